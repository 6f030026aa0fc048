"""Put back the rows the data migrations load, for transactional tests: a flush before them removes them."""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group, Permission


def restore_reference_data():
    """Areas, the pledge text, themes, rejection reasons and the programme team group; safe to repeat."""
    importlib.import_module("organisations.migrations.0002_load_areas").load_areas(apps, None)
    importlib.import_module("pledges.migrations.0002_load_pledge_text").load_pledge_text(apps, None)
    # The group's migration reaches into app configs to make permissions early; after a flush they exist.
    team = importlib.import_module("pledges.migrations.0003_programme_team_group")
    group, _ = Group.objects.get_or_create(name=team.GROUP)
    for app_label, models in team.PERMISSIONS.items():
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
