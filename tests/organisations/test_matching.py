"""The one rule for "is this the same organisation?": names, website hosts and the near-match."""

import pytest

from organisations import matching


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Bristol Mind", ["bristol", "mind"]),
        ("The Bristol Mind Charity", ["bristol", "mind"]),
        ("Bristol Mind Ltd (Registered Charity)", ["bristol", "mind"]),
        ("Sirona care & health CIC", ["sirona", "care", "and", "health"]),
        ("Weston Area Health NHS Foundation Trust", ["weston", "area", "health"]),
        ("Community Interest Company", ["community", "interest", "company"]),
        ("Café Bristol", ["cafe", "bristol"]),
        ("Limited", ["limited"]),
        ("", []),
    ],
)
def test_a_names_words_drop_case_accents_punctuation_the_and_legal_endings(name, words):
    assert matching.name_words(name) == words


@pytest.mark.parametrize(
    ("name", "other_name", "same"),
    [
        # From the issue: the signing step and the team's checks gave opposite answers.
        ("Bristol Mind Charity", "Bristol Mind", True),
        ("Bristol City Council", "bristol city council ltd", True),
        ("The Bristol City Council Limited", "Bristol-City Council.", True),
        ("North Bristol NHS Trust", "North Bristol", True),
        ("Sirona care & health", "Sirona Care and Health", True),
        ("Second Step", "SecondStep", True),
        ("Children's Scrapstore", "Childrens Scrapstore", True),
        ("Café Bristol", "Cafe Bristol", True),
        # A typo in a word is forgiven ...
        ("The Harbourside Recovery Project", "Harbourside Recovery Projet Ltd", True),
        ("Bristol Mind", "Bristol Mnd", True),
        # ... a different word, or a word more or fewer, is not.
        ("Bristol Mind", "Bristol Mine", False),
        ("North Somerset Council", "South Somerset Council", False),
        ("Bristol City Council", "Bristol City Council Ward 1", False),
        ("Harbourside Recovery Project", "Harbourside Dental Practice", False),
        ("Community Group", "Aardvark Community Group", False),
        ("", "", False),
    ],
)
def test_names_match_when_their_words_are_the_same_allowing_a_typo(name, other_name, same):
    assert matching.names_match(name, other_name) is same
    assert matching.names_match(other_name, name) is same


@pytest.mark.parametrize(
    ("website", "host"),
    [
        ("https://www.Example.org.uk/about", "example.org.uk"),
        ("example.org.uk", "example.org.uk"),
        ("http://example.org.uk:8080/", "example.org.uk"),
        ("  www.nhs.uk  ", "nhs.uk"),
        ("http://[broken", ""),
        ("", ""),
    ],
)
def test_a_websites_host_drops_scheme_www_port_and_path(website, host):
    assert matching.website_host(website) == host


@pytest.mark.parametrize(
    ("host", "shared"),
    [
        ("nhs.uk", True),
        ("gov.uk", True),
        ("sch.uk", True),
        ("bristol.sch.uk", True),
        ("facebook.com", True),
        ("gmail.com", True),
        ("uk", True),
        ("", True),
        ("nbt.nhs.uk", False),
        ("bristol.gov.uk", False),
        ("oakfield.bristol.sch.uk", False),
    ],
)
def test_hosts_many_organisations_use_are_shared(host, shared):
    assert matching.is_shared_host(host) is shared


@pytest.mark.parametrize(
    ("host", "other_host", "same"),
    [
        ("bristol.gov.uk", "bristol.gov.uk", True),
        ("mail.sirona-cic.org.uk", "sirona-cic.org.uk", True),
        ("kids.bristol.gov.uk", "bristol.gov.uk", True),
        ("bristol.gov.uk", "southglos.gov.uk", False),
        ("notbristol.gov.uk", "bristol.gov.uk", False),
        # From the issue: a shared host never matches, not even itself.
        ("nhs.uk", "nhs.uk", False),
        ("nbt.nhs.uk", "nhs.uk", False),
        ("oakfield.bristol.sch.uk", "bristol.sch.uk", False),
        ("facebook.com", "facebook.com", False),
        ("", "", False),
    ],
)
def test_hosts_match_when_one_is_the_other_or_under_it_and_neither_is_shared(host, other_host, same):
    assert matching.hosts_match(host, other_host) is same
    assert matching.hosts_match(other_host, host) is same


def test_the_hosts_that_could_match_a_website_stop_at_a_shared_one():
    assert matching.identifying_hosts("https://kids.bristol.gov.uk/x") == [
        "kids.bristol.gov.uk",
        "bristol.gov.uk",
    ]
    assert matching.identifying_hosts("https://www.nhs.uk") == []
    assert matching.identifying_hosts("") == []


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        (("Bristol Mind Charity", ""), ("Bristol Mind", "https://bristolmind.org.uk"), True),
        (
            ("BCC Children's Services", "http://bristol.gov.uk/kids"),
            ("Bristol City Council", "bristol.gov.uk"),
            True,
        ),
        (("Bristol Mind", "https://www.nhs.uk"), ("Bristol City Council", "https://www.nhs.uk/"), False),
        (
            ("Brizzle Youth", "https://facebook.com/brizzle"),
            ("Bristol Mind", "https://www.facebook.com/brizzle"),
            False,
        ),
        (("Avon Kids", ""), ("Avon Elders", ""), False),
    ],
)
def test_organisations_are_the_same_when_their_names_or_websites_match(one, other, same):
    (name, website), (other_name, other_website) = one, other
    assert (
        matching.is_same_organisation(
            name=name, website=website, other_name=other_name, other_website=other_website
        )
        is same
    )


def test_the_distinctive_word_skips_words_every_partner_shares():
    assert matching.distinctive_word("Bristol City Council") == "bristol"
    assert matching.distinctive_word("North Bristol NHS Trust") == "bristol"
    assert matching.distinctive_word("Southmead Community Pantry") == "southmead"
    assert matching.distinctive_word("") == ""
