"""Sessions end after a time without requests (sooner for the team), and hours after signing in at most."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MY = "/my/"


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def signed_in(client, user):
    client.force_login(user)
    assert client.get(MY).status_code == 200
    return client


def is_signed_out(response):
    return response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_a_partners_session_ends_after_the_idle_time(client, clock, settings):
    signed_in(client, UserFactory())
    clock.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1))
    assert client.get(MY).status_code == 200
    clock.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1))
    response = client.get(MY)
    assert is_signed_out(response)
    assert "_auth_user_id" not in client.session


def test_the_programme_teams_session_ends_sooner(client, clock, settings, programme_team_member):
    partner, team = signed_in(client, UserFactory()), signed_in(client.__class__(), programme_team_member)
    clock.shift(timedelta(minutes=settings.SESSION_TEAM_IDLE_MINUTES + 1))
    assert is_signed_out(team.get(MY))
    assert partner.get(MY).status_code == 200


def test_staff_sessions_end_as_soon_as_the_teams(client, clock, settings):
    signed_in(client, UserFactory(is_staff=True))
    clock.shift(timedelta(minutes=settings.SESSION_TEAM_IDLE_MINUTES + 1))
    assert is_signed_out(client.get(MY))


def test_a_session_in_use_still_ends_at_its_absolute_age(client, clock, settings):
    signed_in(client, UserFactory())
    hours = settings.SESSION_MAX_AGE_HOURS
    for _ in range(hours):
        clock.shift(timedelta(minutes=59))
        assert client.get(MY).status_code == 200
    clock.shift(timedelta(hours=1))
    assert is_signed_out(client.get(MY))


def test_the_idle_time_is_configurable(client, clock, settings):
    settings.SESSION_IDLE_MINUTES = 10
    signed_in(client, UserFactory())
    clock.shift(timedelta(minutes=11))
    assert is_signed_out(client.get(MY))


def test_a_session_cookie_lasts_no_longer_than_the_absolute_age(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_MAX_AGE_HOURS * 60 * 60
    assert (
        settings.SESSION_TEAM_IDLE_MINUTES
        < settings.SESSION_IDLE_MINUTES
        < settings.SESSION_MAX_AGE_HOURS * 60
    )
