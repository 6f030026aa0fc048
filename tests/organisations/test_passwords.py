"""Passwords made of the programme's words, or of the name of the user's organisation, are refused."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_refused_for_programme_words(password, user=None):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert "password_programme_words" in {error.code for error in refused.value.error_list}


@pytest.mark.parametrize(
    "password", ["TraumaInformed2024!", "pledge-pledge-pledge", "Tr4um4-Pl3dg3!", "BNSSG-Gloucestershire1"]
)
def test_a_password_made_of_the_programmes_words_is_refused(password):
    assert_refused_for_programme_words(password)


def test_a_password_made_of_the_users_organisations_name_is_refused_for_its_members_only():
    organisation = OrganisationFactory(name="Riverside Housing Trust")
    member = MembershipFactory(organisation=organisation).user
    assert_refused_for_programme_words("RiversideHousing24", member)
    validate_password("RiversideHousing24", UserFactory())  # anyone else may use it
