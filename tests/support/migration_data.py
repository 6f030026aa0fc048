"""Put back the rows the data migrations load, after a transactional test's flush removed them.

Transactional tests (transaction=True, the celery_worker and live_server
fixtures) end by emptying every table, so the next one would find no pledge
text, themes, areas or programme team group. serialized_rollback cannot mix
with the other transactional tests (the content types they recreate clash),
so this re-runs the migrations' own idempotent loaders instead.
"""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group

from accounts.models import PROGRAMME_TEAM_GROUP


def reload_migration_data():
    import_module("pledges.migrations.0002_load_pledge_text").load_pledge_text(apps, None)
    import_module("organisations.migrations.0002_load_areas").load_areas(apps, None)
    Group.objects.get_or_create(name=PROGRAMME_TEAM_GROUP)
