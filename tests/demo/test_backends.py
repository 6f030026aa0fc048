"""The demo password: it signs in the demo seed's accounts while DEBUG is on, and nobody otherwise."""

import pytest

from demo.logins import DEMO_PASSWORD
from demo.models import DemoAccount
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def demo_user():
    user = UserFactory(email="sam.okafor@example.org")
    user.set_unusable_password()
    user.save()
    DemoAccount.objects.create(user=user)
    return user


def signed_in_as(client):
    return client.get("/my/").wsgi_request.user


def test_a_demo_account_signs_in_with_the_demo_password_while_debug_is_on(client, settings, demo_user):
    settings.DEBUG = True
    response = client.post(LOGIN, {"login": "Sam.Okafor@example.org", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert signed_in_as(client) == demo_user


def test_with_debug_off_the_demo_password_signs_nobody_in(client, settings, demo_user):
    settings.DEBUG = False
    response = client.post(LOGIN, {"login": demo_user.email, "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert not signed_in_as(client).is_authenticated


def test_an_account_the_demo_seed_did_not_make_never_takes_the_demo_password(client, settings):
    settings.DEBUG = True
    user = UserFactory()
    response = client.post(LOGIN, {"login": user.email, "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert not signed_in_as(client).is_authenticated


def test_a_demo_account_takes_no_other_password(client, settings, demo_user):
    settings.DEBUG = True
    client.post(LOGIN, {"login": demo_user.email, "password": "a-long-test-password"})
    assert not signed_in_as(client).is_authenticated


def test_a_demo_session_ends_once_debug_is_off(client, settings, demo_user):
    settings.DEBUG = True
    client.post(LOGIN, {"login": demo_user.email, "password": DEMO_PASSWORD})
    settings.DEBUG = False
    assert not signed_in_as(client).is_authenticated


def test_without_demo_accounts_the_sign_in_page_has_no_panel(client, settings):
    settings.DEBUG = True
    assert "Demo accounts" not in client.get(LOGIN).content.decode()
