"""The health endpoints: who sees what, no personal data, and probes over plain HTTP."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from directory.services import build_directory
from operations import services
from operations.models import BEAT, WORKER
from tests.factories import OutboxEmailFactory, UserFactory

TOKEN = "a-long-random-monitoring-token"
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def unhealthy(db, settings):
    """A directory a week old and an email stuck for an hour, to someone whose address must not leak."""
    settings.HEALTH_CHECK_TOKEN = TOKEN
    with time_machine.travel(timezone.now() - timedelta(days=7)):
        build_directory()
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        OutboxEmailFactory(to="jo.bloggs@example.org", subject="Your pledge for Jo's Café")
    OutboxEmailFactory(to="sam.private@example.org", subject="Welcome, Sam", failed=True)
    services.record_heartbeat(name=BEAT, at=timezone.now())
    services.record_heartbeat(name=WORKER, at=timezone.now())


def test_live_answers_200_without_touching_the_database(client):
    # No `db` fixture: pytest-django fails any test that touches the database.
    response = client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "failing": []}


def test_anonymous_callers_see_the_names_of_failing_checks_and_no_numbers(client, unhealthy):
    response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json() == {"status": "failing", "failing": ["outbox", "failed_emails", "directory"]}
    assert not re.search(rb"\d", response.content)


def test_staff_see_what_each_check_measured(client, unhealthy):
    client.force_login(UserFactory(is_staff=True))

    checks = client.get("/health/ready").json()["checks"]

    assert checks["outbox"]["status"] == "failing"
    assert 3590 <= checks["outbox"]["oldest_unsent_age_seconds"] <= 3610
    assert checks["outbox"]["limit_seconds"] == 30 * 60
    assert checks["outbox"]["message"] == (
        "The oldest unsent email has waited 60 minutes; the limit is 30 minutes."
    )
    assert checks["failed_emails"] | {"took_seconds": 0} == {
        "status": "failing",
        "message": "1 email failed in the last 24 hours; the limit is 0.",
        "failed_emails": 1,
        "limit": 0,
        "window_hours": 24,
        "took_seconds": 0,
    }
    assert checks["directory"]["age_seconds"] >= 7 * 24 * 3600
    assert checks["database"]["status"] == "ok"
    assert checks["cache"]["status"] == "ok"


def test_a_monitor_with_the_token_sees_the_detail(client, unhealthy):
    response = client.get("/health/ready", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert set(response.json()["checks"]) == {
        "database",
        "cache",
        "broker",
        "outbox",
        "failed_emails",
        "directory",
        "heartbeat",
        "worker",
    }


@pytest.mark.parametrize(
    "authorization",
    [f"Bearer {TOKEN}x", "Bearer ", TOKEN, f"Basic {TOKEN}"],
    ids=["wrong", "empty", "bare", "basic"],
)
def test_anything_but_the_right_bearer_token_sees_no_detail(client, unhealthy, authorization):
    response = client.get("/health/ready", HTTP_AUTHORIZATION=authorization)

    assert "checks" not in response.json()


def test_with_no_token_configured_an_empty_bearer_token_sees_no_detail(client, unhealthy, settings):
    settings.HEALTH_CHECK_TOKEN = ""

    response = client.get("/health/ready", HTTP_AUTHORIZATION="Bearer ")

    assert "checks" not in response.json()


def test_signed_in_people_who_are_not_staff_see_no_detail(client, unhealthy):
    client.force_login(UserFactory())

    assert "checks" not in client.get("/health/ready").json()


def test_no_email_address_or_subject_appears_even_in_the_detail(client, unhealthy):
    response = client.get("/health/ready", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    body = response.content.decode()
    assert "checks" in response.json()
    assert not EMAIL_ADDRESS.search(body)
    assert "Your pledge for" not in body
    assert "Welcome" not in body


def test_health_answers_are_never_cached(client, db):
    response = client.get("/health/live")

    assert "no-cache" in response["Cache-Control"]


def test_load_balancers_can_probe_over_plain_http_when_https_is_enforced(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    build_directory()

    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code == 200
    assert client.get("/partners/").status_code == 301
