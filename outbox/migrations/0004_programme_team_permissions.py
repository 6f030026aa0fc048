"""The programme team keeps its outbox permissions under the outbox's own label: seeing emails, sending again."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Programme team"
CODENAMES = ["view_outboxemail", "resend_outboxemail"]


def give_the_team_its_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs these now.
    outbox = apps.get_app_config("outbox")
    outbox.models_module = True
    create_permissions(outbox, verbosity=0, apps=apps)
    outbox.models_module = None
    grant_outbox_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def grant_outbox_permissions(Group, Permission):
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="outbox", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0003_outbox_tables"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(give_the_team_its_permissions, migrations.RunPython.noop)]
