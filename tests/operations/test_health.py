"""/health/ready against real PostgreSQL and Redis: each of the portal's signals fails it past its limit."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from directory.services import build_directory
from operations import services
from operations.models import BEAT, WORKER
from outbox.models import OutboxEmail
from tests.factories import OutboxEmailFactory

READY = "/health/ready"


@pytest.fixture
def healthy(db):
    """Everything /health/ready reads is fresh: a directory just built, both heartbeats just recorded."""
    build_directory()
    services.record_heartbeat(name=BEAT, at=timezone.now())
    services.record_heartbeat(name=WORKER, at=timezone.now())


def ready(client):
    response = client.get(READY)
    return response.status_code, response.json()


def detail(client, settings, name):
    settings.HEALTH_CHECK_TOKEN = "monitor-token"
    return client.get(READY, HTTP_AUTHORIZATION="Bearer monitor-token").json()["checks"][name]


def email_created(ago, **fields):
    with time_machine.travel(timezone.now() - ago):
        return OutboxEmailFactory(**fields)


def test_ready_answers_200_when_everything_is_fresh_with_tasks_run_eagerly(client, healthy):
    assert ready(client) == (200, {"status": "ok", "failing": []})


def test_ready_answers_200_with_a_real_broker_and_a_fresh_heartbeat(client, healthy, broker_up):
    assert ready(client) == (200, {"status": "ok", "failing": []})


def test_with_tasks_run_eagerly_the_broker_and_heartbeats_do_not_apply(client, healthy, settings):
    settings.HEALTH_CHECK_TOKEN = "monitor-token"
    services.record_heartbeat(name=BEAT, at=timezone.now() - timedelta(days=3))
    services.record_heartbeat(name=WORKER, at=timezone.now() - timedelta(days=3))

    response = client.get(READY, HTTP_AUTHORIZATION="Bearer monitor-token")

    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["broker"]["status"] == "not applicable"
    assert checks["heartbeat"]["status"] == "not applicable"
    assert checks["worker"]["status"] == "not applicable"


def test_an_email_queued_longer_than_the_limit_fails_the_outbox_check(client, healthy, settings):
    settings.HEALTH_OUTBOX_MAX_AGE_MINUTES = 30
    email_created(timedelta(minutes=31))

    assert ready(client) == (503, {"status": "failing", "failing": ["outbox"]})


def test_an_email_queued_within_the_limit_passes(client, healthy, settings):
    settings.HEALTH_OUTBOX_MAX_AGE_MINUTES = 30
    email_created(timedelta(minutes=29))

    assert ready(client)[0] == 200


def test_old_sent_and_failed_emails_are_not_a_backlog(client, healthy, settings):
    settings.HEALTH_MAX_FAILED_EMAILS = 1
    email_created(timedelta(days=2), status=OutboxEmail.Status.SENT, sent_at=timezone.now())
    email_created(timedelta(days=2), failed=True)

    assert ready(client)[0] == 200


def test_an_email_in_any_other_state_counts_as_unsent(client, healthy):
    # The outbox may gain states between queued and sent ("sending"); all of them are still unsent.
    email = email_created(timedelta(hours=2))
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.SENDING, claimed_until=timezone.now() + timedelta(minutes=5)
    )

    assert ready(client) == (503, {"status": "failing", "failing": ["outbox"]})


def test_failed_emails_over_the_limit_fail_the_check(client, healthy, settings):
    settings.HEALTH_MAX_FAILED_EMAILS = 2
    OutboxEmailFactory.create_batch(2, failed=True)
    assert ready(client)[0] == 200

    OutboxEmailFactory(failed=True)

    assert ready(client) == (503, {"status": "failing", "failing": ["failed_emails"]})


def test_emails_that_failed_before_the_window_no_longer_fail_the_check(client, healthy, settings):
    settings.HEALTH_MAX_FAILED_EMAILS = 0
    settings.HEALTH_FAILED_EMAILS_WINDOW_HOURS = 24
    OutboxEmailFactory(failed=True, failed_at=timezone.now() - timedelta(hours=25))

    assert ready(client)[0] == 200


def test_a_directory_built_longer_ago_than_the_limit_fails_the_check(client, db, settings):
    settings.HEALTH_DIRECTORY_MAX_AGE_HOURS = 26
    with time_machine.travel(timezone.now() - timedelta(hours=27)):
        build_directory()

    assert ready(client) == (503, {"status": "failing", "failing": ["directory"]})
    assert detail(client, settings, "directory")["message"] == (
        "The directory was last built 27 hours ago; the limit is 26 hours."
    )


def test_a_directory_never_built_fails_the_check(client, db, settings):
    assert ready(client) == (503, {"status": "failing", "failing": ["directory"]})
    assert detail(client, settings, "directory")["message"] == "The directory has never been built."


def test_the_live_snapshot_decides_the_directorys_age(client, db):
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        build_directory()
    build_directory()

    assert ready(client)[0] == 200


def test_a_stale_heartbeat_fails_the_check_when_tasks_are_queued(client, healthy, broker_up, settings):
    settings.HEALTH_BEAT_MAX_AGE_MINUTES = 5
    services.record_heartbeat(name=BEAT, at=timezone.now() - timedelta(minutes=6))

    assert ready(client) == (503, {"status": "failing", "failing": ["heartbeat"]})
    assert detail(client, settings, "heartbeat")["message"] == (
        "The last heartbeat was 6 minutes ago; the limit is 5 minutes."
    )


def test_no_heartbeat_at_all_fails_the_check_when_tasks_are_queued(client, db, broker_up):
    build_directory()

    assert ready(client) == (503, {"status": "failing", "failing": ["heartbeat", "worker"]})


def test_a_worker_not_seen_for_longer_than_the_limit_fails_the_worker_check(
    client, healthy, broker_up, settings
):
    settings.HEALTH_WORKER_MAX_AGE_MINUTES = 5
    services.record_heartbeat(name=WORKER, at=timezone.now() - timedelta(minutes=7))

    assert ready(client) == (503, {"status": "failing", "failing": ["worker"]})
    assert detail(client, settings, "worker")["message"] == (
        "No worker has been seen for 7 minutes; the limit is 5 minutes."
    )


def test_a_worker_seen_within_the_limit_passes(client, healthy, broker_up, settings):
    settings.HEALTH_WORKER_MAX_AGE_MINUTES = 5
    services.record_heartbeat(name=WORKER, at=timezone.now() - timedelta(minutes=4))

    assert ready(client)[0] == 200


def test_an_unreachable_broker_fails_the_check_quickly(client, healthy, broker_down):
    started = time.monotonic()
    status, body = ready(client)

    assert (status, body) == (503, {"status": "failing", "failing": ["broker"]})
    assert time.monotonic() - started < 2  # refused at once; the other checks take well under a second


def test_a_broker_that_accepts_connections_but_never_answers_fails_within_about_two_seconds(
    client, healthy, frozen_broker
):
    started = time.monotonic()
    status, body = ready(client)
    elapsed = time.monotonic() - started

    assert (status, body) == (503, {"status": "failing", "failing": ["broker"]})
    # The check gives up after 2 seconds; the margin is for a busy test machine.
    assert 1.9 < elapsed < 4


def test_every_failing_check_is_named(client, db, broker_down, settings):
    settings.HEALTH_MAX_FAILED_EMAILS = 0
    OutboxEmailFactory(failed=True)
    email_created(timedelta(hours=1))

    status, body = ready(client)

    assert status == 503
    assert body["failing"] == ["broker", "outbox", "failed_emails", "directory", "heartbeat", "worker"]
