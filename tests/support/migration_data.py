"""Reload the rows the data migrations create, for transactional tests that run after a flush."""

from importlib import import_module

from django.apps import apps

# (migration module, function): each is idempotent (update_or_create).
DATA_MIGRATIONS = [
    ("organisations.migrations.0002_load_areas", "load_areas"),
    ("pledges.migrations.0002_load_pledge_text", "load_pledge_text"),
]


def reload_migration_data():
    """A transactional test's flush empties every table, including the areas and the pledge text."""
    for module, function in DATA_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)
    # The flush recreates permissions (post_migrate) but not the group that holds them.
    group_and_permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    import_module("pledges.migrations.0003_programme_team_group").grant_permissions(*group_and_permission)
    import_module("outbox.migrations.0004_programme_team_permissions").grant_outbox_permissions(
        *group_and_permission
    )
    import_module("reviews.migrations.0002_programme_team_permissions").grant_reviews_permissions(
        *group_and_permission
    )
