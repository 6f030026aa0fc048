"""Let the programme team send failed emails again: a permission on the outbox, given to their group."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Programme team"
CODENAME = "resend_outboxemail"


def give_the_team_the_permission(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs this one now.
    pledges = apps.get_app_config("pledges")
    pledges.models_module = True
    create_permissions(pledges, verbosity=0, apps=apps)
    pledges.models_module = None
    grant_resend_permission(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def grant_resend_permission(Group, Permission):
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="pledges", codename=CODENAME))


def take_the_permission_back(apps, schema_editor):
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="pledges", codename=CODENAME)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0005_outbox_claims_and_message_ids"),
        ("pledges", "0003_programme_team_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="outboxemail",
            options={
                "ordering": ["-created_at"],
                "permissions": [("resend_outboxemail", "Can send failed emails again")],
            },
        ),
        migrations.RunPython(give_the_team_the_permission, take_the_permission_back),
    ]
