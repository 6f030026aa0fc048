"""Passwords: refused when breached (checked offline) or made of the programme's or organisation's words."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

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
    "password", ["TraumaInformed2024!", "pledge-pledge-pledge", "Tr4um4-Pl3dg3!", "BNSSG-Gloucestershire1"]
)
def test_a_password_made_of_the_programmes_words_is_refused(password):
    assert "password_programme_words" in refusals(password)


def test_a_password_made_of_the_users_organisations_name_is_refused_for_its_members_only():
    organisation = OrganisationFactory(name="Riverside Housing Trust")
    member = MembershipFactory(organisation=organisation).user
    assert "password_programme_words" in refusals("RiversideHousing24", member)
    assert refusals("RiversideHousing24", UserFactory()) == set()


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
