"""Reviewer hints: email against website, earlier or near-duplicate pledges, the parent, the person."""

import pytest

from organisations.selectors import find_possible_duplicates
from pledges.models import Pledge
from team.checks import checks_for, compare_domains
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
        # A shared host tells nothing, even when the email is under it.
        ("ceo@nbt.nhs.uk", "https://www.nhs.uk", "unknown"),
        ("head@oakfield.bristol.sch.uk", "http://www.bristol.sch.uk/", "unknown"),
        ("someone@nhs.uk", "https://www.nhs.uk", "shared"),
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


def test_an_organisation_with_the_same_website_has_its_pledges_listed():
    council = OrganisationFactory(name="Bristol City Council", website="https://www.bristol.gov.uk")
    signed = PledgeFactory(organisation=council, approved=True)
    pledge = PledgeFactory(
        organisation=OrganisationFactory(name="BCC Play Service", website="https://bristol.gov.uk/play"),
        submitted=True,
    )
    assert checks_for(pledge).earlier_pledges == [signed]


@pytest.mark.parametrize(
    ("existing", "new", "same"),
    [
        # From the issue: the two places gave opposite answers for these.
        (("Bristol Mind", ""), ("Bristol Mind Charity", ""), True),
        (("Avon Wellbeing", "https://www.nhs.uk"), ("Harbourside Recovery", "https://www.nhs.uk"), False),
        (("The Harbourside Recovery Project", ""), ("Harbourside Recovery Projet Ltd", ""), True),
        (
            ("Bristol City Council", "https://bristol.gov.uk"),
            ("BCC Play", "https://play.bristol.gov.uk"),
            True,
        ),
        (("North Somerset Council", ""), ("South Somerset Council", ""), False),
        (("Bristol City Council", ""), ("Bristol City Council Ward 1", ""), False),
    ],
)
def test_the_team_checks_and_the_signing_step_give_the_same_answer(existing, new, same):
    (existing_name, existing_website), (new_name, new_website) = existing, new
    earlier = PledgeFactory(
        organisation=OrganisationFactory(name=existing_name, website=existing_website), approved=True
    )
    pledge = PledgeFactory(
        organisation=OrganisationFactory(name=new_name, website=new_website), submitted=True
    )

    listed_for_the_team = checks_for(pledge).earlier_pledges == [earlier]
    offered_when_signing = earlier.organisation in find_possible_duplicates(
        name=new_name, website=new_website
    )
    assert listed_for_the_team is offered_when_signing is same
