"""Each email records the account it was sent to; existing emails get the account that owned the address then.

Who owned an address when an email was queued is known only where an account holds it, verified, now
and held an account already then (joined before the email). Anything else is left unknown (null):
such emails are in nobody's data download.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def record_recipients(apps, schema_editor):
    OutboxEmail = apps.get_model("outbox", "OutboxEmail")
    EmailAddress = apps.get_model("account", "EmailAddress")
    owner = EmailAddress.objects.filter(
        verified=True, email__iexact=OuterRef("to"), user__date_joined__lte=OuterRef("created_at")
    ).values("user_id")[:1]
    OutboxEmail.objects.filter(recipient__isnull=True).update(recipient_id=Subquery(owner))


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0004_programme_team_permissions"),
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxemail",
            name="recipient",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(record_recipients, migrations.RunPython.noop),
    ]
