"""Reviewer hints: email against website, earlier or near-duplicate pledges, the parent, the person."""

import pytest

from pledges.checks import checks_for, compare_domains, distinctive_word
from pledges.models import Pledge
from tests.factories import OrganisationFactory, PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("email", "website", "outcome"),
    [
        ("ceo@bristol.gov.uk", "https://www.bristol.gov.uk/", "match"),
        ("ceo@nbt.nhs.uk", "https://nbt.nhs.uk", "match"),
        ("ceo@mail.sirona-cic.org.uk", "https://sirona-cic.org.uk", "match"),
        ("ceo@elsewhere.org", "https://www.bristol.gov.uk", "mismatch"),
        ("someone@nhs.net", "https://www.nbt.nhs.uk", "shared"),
        ("someone@gmail.com", "https://www.example.org", "shared"),
        ("ceo@example.org", "", "unknown"),
    ],
)
def test_the_signatorys_email_domain_is_compared_with_the_website(email, website, outcome):
    assert compare_domains(email, website).outcome == outcome


def test_earlier_pledges_of_the_same_organisation_are_listed():
    organisation = OrganisationFactory(name="Avon Wellbeing Trust")
    rejected = PledgeFactory(organisation=organisation, status=Pledge.Status.REJECTED, with_actions=False)
    pledge = PledgeFactory(organisation=organisation, submitted=True)
    assert checks_for(pledge).earlier_pledges == [rejected]


def test_a_near_duplicate_organisation_name_is_found_but_not_a_merely_similar_one():
    signed = PledgeFactory(
        organisation=OrganisationFactory(name="The Harbourside Recovery Project"), approved=True
    )
    PledgeFactory(organisation=OrganisationFactory(name="Harbourside Dental Practice"), approved=True)
    pledge = PledgeFactory(
        organisation=OrganisationFactory(name="Harbourside Recovery Project Ltd"), submitted=True
    )
    assert checks_for(pledge).earlier_pledges == [signed]


def test_drafts_are_not_counted_as_signed_before():
    organisation = OrganisationFactory()
    pledge = PledgeFactory(organisation=organisation, submitted=True)
    other = OrganisationFactory(name=f"{organisation.name}.", slug="near-duplicate")
    PledgeFactory(organisation=other)
    assert checks_for(pledge).earlier_pledges == []


def test_the_parent_organisations_pledge_is_shown_for_a_service():
    parent_pledge = PledgeFactory(approved=True)
    service = OrganisationFactory(kind="service", parent=parent_pledge.organisation)
    pledge = PledgeFactory(organisation=service, submitted=True)
    assert checks_for(pledge).parent_pledges == [parent_pledge]


def test_the_number_of_pledges_the_person_has_sent_is_counted():
    person = UserFactory()
    PledgeFactory(created_by=person, approved=True)
    PledgeFactory(created_by=person)  # a draft, never sent
    pledge = PledgeFactory(created_by=person, submitted=True)
    assert checks_for(pledge).pledges_submitted_by_signatory == 2


def test_the_distinctive_word_skips_words_every_partner_shares():
    assert distinctive_word("Bristol City Council") == "bristol"
    assert distinctive_word("North Bristol NHS Trust") == "bristol"
    assert distinctive_word("Southmead Community Pantry") == "southmead"
