"""Each email's pledge becomes what it is `about`. Its own migration: PostgreSQL refuses to alter a table
in the transaction that updated its rows."""

from django.db import migrations
from django.db.models import F


def pledge_to_about(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    OutboxEmail = apps.get_model("outbox", "OutboxEmail")
    emails = OutboxEmail.objects.filter(pledge__isnull=False)
    if emails.exists():
        pledge_type, _ = ContentType.objects.get_or_create(app_label="pledges", model="pledge")
        emails.update(about_type=pledge_type, about_id=F("pledge_id"))


def about_to_pledge(apps, schema_editor):
    OutboxEmail = apps.get_model("outbox", "OutboxEmail")
    OutboxEmail.objects.filter(about_type__app_label="pledges", about_type__model="pledge").update(
        pledge_id=F("about_id")
    )


class Migration(migrations.Migration):
    dependencies = [("outbox", "0001_initial")]

    operations = [migrations.RunPython(pledge_to_about, about_to_pledge)]
