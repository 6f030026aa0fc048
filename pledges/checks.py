"""Hints for the programme team when checking a submitted pledge: they inform a decision, never make it."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from .models import Pledge

# Email domains anyone can use: they neither confirm nor contradict who someone works for.
SHARED_EMAIL_DOMAINS = {
    "nhs.net",
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "hotmail.co.uk",
    "outlook.com",
    "live.co.uk",
    "yahoo.com",
    "yahoo.co.uk",
    "icloud.com",
    "btinternet.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
}
# Words so common in organisation names that matching on them finds everyone.
COMMON_NAME_WORDS = {
    "the", "and", "of", "for", "in", "ltd", "limited", "cic", "charity", "trust", "group", "service",
    "services", "council", "nhs", "foundation", "partnership", "board", "team", "community", "bristol",
    "north", "south", "somerset", "gloucestershire", "west", "east", "city", "county", "uk",
}  # fmt: skip
NEAR_DUPLICATE_RATIO = 0.8
MAX_CANDIDATES = 50


@dataclass
class DomainCheck:
    email_domain: str
    website_domain: str
    outcome: str  # "match", "mismatch", "shared" (a public email provider) or "unknown" (no website)


@dataclass
class ReviewerChecks:
    domain: DomainCheck
    earlier_pledges: list = field(default_factory=list)
    parent_pledges: list = field(default_factory=list)
    pledges_submitted_by_signatory: int = 0


def checks_for(pledge):
    organisation = pledge.organisation
    return ReviewerChecks(
        domain=compare_domains(pledge.created_by.email, organisation.website),
        earlier_pledges=earlier_pledges(pledge),
        parent_pledges=list(
            Pledge.objects.filter(organisation_id=organisation.parent_id)
            .exclude(status=Pledge.Status.DRAFT)
            .order_by("-created_at")
        )
        if organisation.parent_id
        else [],
        pledges_submitted_by_signatory=Pledge.objects.filter(
            created_by_id=pledge.created_by_id, submitted_at__isnull=False
        ).count(),
    )


def compare_domains(email, website):
    email_domain = email.rpartition("@")[2].lower()
    website_domain = (urlsplit(website).hostname or "").lower().removeprefix("www.")
    if email_domain in SHARED_EMAIL_DOMAINS:
        outcome = "shared"
    elif not website_domain:
        outcome = "unknown"
    elif _same_or_subdomain(email_domain, website_domain):
        outcome = "match"
    else:
        outcome = "mismatch"
    return DomainCheck(email_domain=email_domain, website_domain=website_domain, outcome=outcome)


def earlier_pledges(pledge):
    """Other pledges of this organisation, or of organisations with a near-identical name."""
    organisation = pledge.organisation
    candidates = (
        Pledge.objects.similar_to(organisation, name_fragment=distinctive_word(organisation.name))
        .exclude(pk=pledge.pk)
        .exclude(status=Pledge.Status.DRAFT)[:MAX_CANDIDATES]
    )
    name = normalise_name(organisation.name)
    return [
        candidate
        for candidate in candidates
        if candidate.organisation_id == organisation.pk
        or SequenceMatcher(None, name, normalise_name(candidate.organisation.name)).ratio()
        >= NEAR_DUPLICATE_RATIO
    ]


def normalise_name(name):
    words = re.findall(r"[a-z0-9]+", name.lower().replace("&", " and "))
    return " ".join(word for word in words if word not in {"the", "ltd", "limited", "cic"})


def distinctive_word(name):
    """The longest uncommon word in a name: enough to find near-duplicates with one query."""
    words = normalise_name(name).split()
    uncommon = [word for word in words if word not in COMMON_NAME_WORDS]
    return max(uncommon or words, key=len, default="")


def _same_or_subdomain(a, b):
    return a == b or a.endswith(f".{b}") or b.endswith(f".{a}")
