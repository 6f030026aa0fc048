"""Data migrations that shape permissions: run for real, forwards and back, on the test database."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import PROGRAMME_TEAM_GROUP

BEFORE_RESEND = ("pledges", "0005_outbox_claims_and_message_ids")


def team_codenames():
    return set(Group.objects.get(name=PROGRAMME_TEAM_GROUP).permissions.values_list("codename", flat=True))


def migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets) or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migrating_an_existing_database_lets_the_programme_team_send_failed_emails_again():
    migrate(BEFORE_RESEND)
    assert "resend_outboxemail" not in team_codenames()
    # A database migrated before this change has no such permission at all.
    Permission.objects.filter(codename="resend_outboxemail").delete()

    migrate()  # forwards to the latest, as a deploy does
    assert "resend_outboxemail" in team_codenames()
    assert Permission.objects.get(codename="resend_outboxemail").name == "Can send failed emails again"
