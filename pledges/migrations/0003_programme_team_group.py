"""Create the "Programme team" group with the permissions the team needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Programme team"

PERMISSIONS = {
    "organisations": {
        "organisation": ["view", "change"],
        "membership": ["view", "add", "change", "delete"],
        "area": ["view"],
    },
    "pledges": {
        "pledge": ["view", "change"],
        "pledgeevent": ["view"],
        "action": ["view", "change"],
        "reviewcycle": ["view", "change"],
        "reminder": ["view"],
        "outboxemail": ["view"],
        "pledgeversion": ["view"],
        "commitment": ["view"],
        "actiontheme": ["view", "add", "change"],
        "rejectionreason": ["view", "add", "change"],
    },
    "accounts": {"user": ["view"]},
}


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    grant_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def grant_permissions(Group, Permission):
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, models in PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0002_load_pledge_text"),
        ("organisations", "0002_load_areas"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
