"""Organisation invariants and directory reads."""

import pytest
from django.db import IntegrityError, transaction

from organisations.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_name_differing_only_in_case_is_refused():
    OrganisationFactory(name="Bristol City Council")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(name="bristol city council", slug="bristol-city-council-2")


@pytest.mark.django_db
def test_a_partners_people_list_the_signatory_first_then_contacts_in_the_order_they_joined():
    organisation = OrganisationFactory()
    first_contact = MembershipFactory(organisation=organisation, role=Membership.Role.CONTACT)
    signatory = MembershipFactory(organisation=organisation, role=Membership.Role.SIGNATORY)
    second_contact = MembershipFactory(organisation=organisation, role=Membership.Role.CONTACT)
    people = Membership.objects.filter(organisation=organisation).signatory_first()
    assert list(people) == [signatory, first_contact, second_contact]


def test_the_database_refuses_an_organisation_name_with_a_control_character():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(name="Riverside\x01 Housing")
    OrganisationFactory(name="Riverside Housing")


@pytest.mark.parametrize("character", ["\u202e", "\u2066", "\u200f", "\u061c", "\r", "\n", "\u2028", "\x85"])
def test_the_database_refuses_an_organisation_name_that_reorders_text_or_breaks_the_line(character):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(name=f"Riverside{character}Housing")


@pytest.mark.parametrize("character", ["\u202e", "\n"])
def test_the_database_refuses_such_a_character_in_a_person_or_signatory_name(character):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(name=f"Priya{character}Shah")
    with pytest.raises(IntegrityError), transaction.atomic():
        PledgeFactory(signatory_name=f"Priya{character}Shah")
