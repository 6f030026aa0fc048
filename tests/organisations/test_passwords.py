"""Passwords made of the programme's words, or of the name of the user's organisation, are refused."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def refusals(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


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
