"""Hints for the programme team when checking a submitted pledge: they inform a decision, never make it."""

from dataclasses import dataclass, field

from organisations import matching
from organisations.models import Organisation
from pledges.models import Pledge

MAX_CANDIDATES = 50


@dataclass
class DomainCheck:
    email_domain: str
    website_domain: str
    # "match", "mismatch", "shared" (an email domain anyone or many organisations use)
    # or "unknown" (no website, or only a shared host such as www.nhs.uk)
    outcome: str


@dataclass
class DecisionChecks:
    domain: DomainCheck
    earlier_pledges: list = field(default_factory=list)
    parent_pledges: list = field(default_factory=list)
    pledges_submitted_by_signatory: int = 0


def checks_for(pledge):
    organisation = pledge.organisation
    return DecisionChecks(
        domain=compare_domains(pledge.created_by.email if pledge.created_by else "", organisation.website),
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
        ).count()
        if pledge.created_by_id
        else 0,
    )


def compare_domains(email, website):
    """The signatory's email domain against the organisation's website, by `organisations.matching`'s rule."""
    email_domain = matching.email_domain(email)
    website_domain = matching.website_host(website)
    if matching.is_shared_host(email_domain):
        outcome = "shared"
    elif not website_domain or matching.is_shared_host(website_domain):
        outcome = "unknown"
    elif matching.hosts_match(email_domain, website_domain):
        outcome = "match"
    else:
        outcome = "mismatch"
    return DomainCheck(email_domain=email_domain, website_domain=website_domain, outcome=outcome)


def earlier_pledges(pledge):
    """Other pledges of this organisation, or of organisations that may be the same one."""
    organisation = pledge.organisation
    same = Organisation.objects.possibly_same_as(
        name=organisation.name, website=organisation.website, limit=MAX_CANDIDATES
    )
    return list(
        Pledge.objects.filter(organisation_id__in={organisation.pk, *(other.pk for other in same)})
        .exclude(pk=pledge.pk)
        .exclude(status=Pledge.Status.DRAFT)
        .select_related("organisation")
        .order_by("-created_at")[:MAX_CANDIDATES]
    )
