"""The programme team keeps seeing the reminders sent, under the reviews app's own label."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Programme team"


def give_the_team_its_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs this one now.
    reviews = apps.get_app_config("reviews")
    reviews.models_module = True
    create_permissions(reviews, verbosity=0, apps=apps)
    reviews.models_module = None
    grant_reviews_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def grant_reviews_permissions(Group, Permission):
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="reviews", codename="view_reminder")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(give_the_team_its_permissions, migrations.RunPython.noop)]
