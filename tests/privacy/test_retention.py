"""Retention: what the privacy notice says is not kept is deleted, by the periods in settings."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from outbox.models import OutboxEmail
from pledges.models import Pledge
from privacy import services, tasks
from tests.factories import OutboxEmailFactory, PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_never_verified_accounts_are_deleted_after_the_period(settings):
    settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS = 30
    old = UserFactory(verified=False, date_joined=days_ago(31))
    recent = UserFactory(verified=False, date_joined=days_ago(29))
    verified = UserFactory(date_joined=days_ago(400))
    staff = UserFactory(verified=False, is_staff=True, date_joined=days_ago(400))
    assert services.apply_retention().unverified_accounts == 1
    assert set(User.objects.values_list("pk", flat=True)) == {recent.pk, verified.pk, staff.pk}
    assert not User.objects.filter(pk=old.pk).exists()


def test_drafts_never_submitted_are_deleted_after_the_period_without_a_change(settings):
    settings.RETENTION_DRAFT_MONTHS = 12
    with time_machine.travel(timezone.now() - datetime.timedelta(days=370)):
        stale = PledgeFactory()
        submitted_long_ago = PledgeFactory(submitted=True)
        changes_requested = PledgeFactory(status=Pledge.Status.CHANGES_REQUESTED, submitted_at=timezone.now())
    fresh = PledgeFactory()
    assert services.apply_retention().abandoned_drafts == 1
    assert set(Pledge.objects.values_list("pk", flat=True)) == {
        submitted_long_ago.pk,
        changes_requested.pk,
        fresh.pk,
    }
    assert not stale.organisation.memberships.exists()
    assert not Pledge.objects.filter(pk=stale.pk).exists()


def test_sent_email_bodies_are_cleared_after_the_period_keeping_the_metadata(settings):
    settings.RETENTION_SENT_EMAIL_BODY_DAYS = 90
    old = OutboxEmailFactory(status="sent", sent_at=days_ago(91), subject="Approved", body_html="<p>x</p>")
    recent = OutboxEmailFactory(status="sent", sent_at=days_ago(89))
    failed = OutboxEmailFactory(status="failed", failed_at=days_ago(200))
    assert services.apply_retention().email_bodies == 1
    old.refresh_from_db()
    assert (old.body_text, old.body_html) == ("", "")
    assert (old.to, old.subject, old.status, old.message_id) == (old.to, "Approved", "sent", old.message_id)
    assert OutboxEmail.objects.get(pk=recent.pk).body_text
    assert OutboxEmail.objects.get(pk=failed.pk).body_text


def test_running_retention_again_deletes_nothing_more(settings):
    OutboxEmailFactory(status="sent", sent_at=days_ago(100))
    UserFactory(verified=False, date_joined=days_ago(100))
    services.apply_retention()
    assert services.apply_retention() == services.RetentionResult(0, 0, 0)


def test_the_command_and_the_beat_task_apply_retention(capsys, settings):
    OutboxEmailFactory(status="sent", sent_at=days_ago(100))
    call_command("apply_retention")
    assert "Sent emails whose text was removed: 1" in capsys.readouterr().out
    UserFactory(verified=False, date_joined=days_ago(100))
    assert tasks.apply_retention() == {"unverified_accounts": 1, "abandoned_drafts": 0, "email_bodies": 0}
    schedule = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert schedule["task"] == "privacy.tasks.apply_retention"
    assert schedule["schedule"].day_of_month == {1}
