"""Passwords: refused when breached (checked offline); hashed with Argon2, the older hashes too once their
owners sign in."""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from pledge_portal import settings as portal_settings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def refusals(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize("password", ["sunshine1", "Dragon2024!", "!!iloveyou!!", "baseball"])
def test_a_password_seen_in_breaches_is_refused_also_with_digits_and_symbols_around_it(password):
    assert "password_breached" in refusals(password)


@pytest.mark.parametrize(
    "password", ["a-long-test-password", "my dog loves bristol rain", "copper-kettle-87-violet"]
)
def test_a_password_with_plenty_of_its_own_is_accepted(password):
    assert refusals(password) == set()


def test_sign_up_says_why_a_breached_password_is_refused_and_keeps_the_email(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.leader@example.org", "password1": "Password123!", "password2": "Password123!"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This password has appeared in data breaches" in page
    assert 'value="new.leader@example.org"' in page


# Hashing -----------------------------------------------------------------------------------


@pytest.fixture
def portal_password_hashers(settings):
    """The portal's own hashers, in place of the fast one every other test uses (conftest.py)."""
    settings.PASSWORD_HASHERS = portal_settings.PASSWORD_HASHERS


def test_a_new_password_is_hashed_with_argon2(portal_password_hashers):
    assert make_password("copper-kettle-87-violet").startswith("argon2$argon2id$")


def test_a_password_hashed_with_pbkdf2_is_hashed_again_with_argon2_at_the_next_sign_in(
    client, portal_password_hashers
):
    person = UserFactory(password="copper-kettle-87-violet")
    person.password = make_password("copper-kettle-87-violet", hasher="pbkdf2_sha256")
    person.save(update_fields=["password"])

    response = client.post(
        reverse("account_login"), {"login": person.email, "password": "copper-kettle-87-violet"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$")
    assert person.check_password("copper-kettle-87-violet")
