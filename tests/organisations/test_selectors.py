"""Organisation reads: spotting possible duplicates."""

import factory
import pytest

from organisations import selectors
from organisations.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "Bristol City Council",
        "bristol city council",
        "Bristol City Council Ltd",
        "The Bristol City Council Limited",
        "Bristol City Council (CIC)",
        "Bristol-City Council.",
    ],
)
def test_names_differing_in_case_punctuation_the_or_legal_ending_are_possible_duplicates(name):
    council = OrganisationFactory(name="Bristol City Council", website="https://www.bristol.gov.uk")
    assert selectors.find_possible_duplicates(name=name) == [council]


@pytest.mark.parametrize(
    ("existing", "typed"),
    [
        ("North Bristol NHS Trust", "North Bristol"),
        ("Weston Area Health NHS Foundation Trust", "Weston Area Health"),
        ("Sirona care & health", "Sirona Care and Health"),
        ("Second Step Charity", "second step"),
    ],
)
def test_nhs_trust_charity_and_ampersand_endings_are_ignored(existing, typed):
    organisation = OrganisationFactory(name=existing)
    assert selectors.find_possible_duplicates(name=typed) == [organisation]


def test_a_matching_website_domain_is_a_possible_duplicate():
    council = OrganisationFactory(name="Bristol City Council", website="https://www.bristol.gov.uk/")
    found = selectors.find_possible_duplicates(
        name="BCC Children's Services", website="http://bristol.gov.uk/kids"
    )
    assert found == [council]


def test_a_name_with_a_legal_ending_is_a_possible_duplicate_of_the_name_without_it():
    mind = OrganisationFactory(name="Bristol Mind")
    assert selectors.find_possible_duplicates(name="Bristol Mind Charity") == [mind]


def test_a_typo_in_the_name_is_a_possible_duplicate_even_among_names_sharing_its_words():
    OrganisationFactory.create_batch(30, name=factory.Sequence(lambda n: f"Harbourside Recovery Project {n}"))
    wanted = OrganisationFactory(name="Harbourside Recovery Project")
    assert selectors.find_possible_duplicates(name="The Harbourside Recovery Projet Ltd") == [wanted]


def test_a_website_on_a_subdomain_of_an_organisations_host_is_a_possible_duplicate():
    council = OrganisationFactory(name="Bristol City Council", website="https://www.bristol.gov.uk/")
    found = selectors.find_possible_duplicates(name="Bristol Play", website="https://play.bristol.gov.uk")
    assert found == [council]


@pytest.mark.parametrize("website", ["https://www.nhs.uk", "https://www.gov.uk/x", "http://bristol.sch.uk"])
def test_a_shared_host_alone_is_never_a_possible_duplicate(website):
    OrganisationFactory(name="Avon Wellbeing", website=website)
    assert selectors.find_possible_duplicates(name="Harbourside Recovery", website=website) == []


def test_different_names_and_shared_hosts_are_not_duplicates():
    OrganisationFactory(name="Bristol Mind", website="https://www.facebook.com/bristolmind")
    assert selectors.find_possible_duplicates(name="Bristol City Council") == []
    assert (
        selectors.find_possible_duplicates(name="Brizzle Youth", website="https://facebook.com/brizzle") == []
    )


def test_finding_duplicates_takes_one_query_however_many_organisations_there_are(
    django_assert_num_queries,
):
    OrganisationFactory(name="Bristol City Council")
    with django_assert_num_queries(1):
        selectors.find_possible_duplicates(name="Bristol City Council Ltd", website="https://bristol.gov.uk")
    OrganisationFactory.create_batch(30, name=factory.Sequence(lambda n: f"Bristol City Council Ward {n}"))
    with django_assert_num_queries(1):
        found = selectors.find_possible_duplicates(
            name="Bristol City Council Ltd", website="https://bristol.gov.uk"
        )
    assert [o.name for o in found] == ["Bristol City Council"]


def test_a_match_is_found_even_when_hundreds_of_names_share_its_words():
    Organisation.objects.bulk_create(
        Organisation(name=f"Aardvark Community Group {n}", slug=f"aardvark-{n}", sector="vcse")
        for n in range(300)
    )
    wanted = OrganisationFactory(name="Community Group")
    assert selectors.find_possible_duplicates(name="The Community Group Ltd") == [wanted]
