"""Reload the rows the data migrations create, for transactional tests that run after a flush."""

from importlib import import_module

from django.apps import apps

# (migration module, function): each is idempotent (update_or_create). The programme
# team group's migration is left out: it reshapes the app registry it is given.
DATA_MIGRATIONS = [
    ("organisations.migrations.0002_load_areas", "load_areas"),
    ("pledges.migrations.0002_load_pledge_text", "load_pledge_text"),
]


def reload_migration_data():
    """A transactional test's flush empties every table, including the areas and the pledge text."""
    for module, function in DATA_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)
