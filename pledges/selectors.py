"""Reads of pledges that views and services share."""

from collections.abc import Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from organisations.models import Membership, Organisation

from .models import Action, Pledge, PledgeVersion


def editable_pledges_of(user: AbstractBaseUser) -> QuerySet[Pledge]:
    """The pledges `user` may still change: their organisations' drafts and those sent back for changes."""
    return Pledge.objects.for_member(user).filter(status__in=Pledge.EDITABLE_STATUSES)


def has_live_pledge(*, organisation: Organisation | int) -> bool:
    """Whether the organisation has a pledge drafted, waiting or approved: it may have only one."""
    return Pledge.objects.filter(organisation=organisation, status__in=Pledge.LIVE_STATUSES).exists()


def may_reaffirm(pledge: Pledge, user: AbstractBaseUser) -> bool:
    """The partner's signatory reaffirms; a contact may when the partner has no signatory to do it."""
    people = list(
        Membership.objects.of_current_period().people().filter(organisation_id=pledge.organisation_id)
    )
    signatories = [m for m in people if m.role == Membership.Role.SIGNATORY]
    return any(m.user_id == user.pk for m in (signatories or people))


def missing_answers(
    pledge: Pledge,
    *,
    draft_actions: Sequence[Action] | None = None,
    current_version: PledgeVersion | None = None,
) -> list[tuple[str, str]]:
    """The steps still to answer before `pledge` can be submitted, as (step, message) pairs.

    Pass the pledge's draft actions and the current PledgeVersion when already
    loaded, to save the queries.
    """
    if draft_actions is None:
        draft_actions = list(pledge.actions.filter(cycle__isnull=True))
    if current_version is None:
        current_version = PledgeVersion.objects.current()
    missing = []
    about_you = [pledge.signatory_name, pledge.signatory_job_title, pledge.signatory_role]
    if pledge.signatory_role == Pledge.SignatoryRole.AUTHORISED:
        about_you += [pledge.leader_name, pledge.leader_job_title]
    if not all(about_you):
        missing.append(("about_you", "Tell us about you"))
    if pledge.agreed_to_commitments_at is None:
        missing.append(("commitments", "Agree to the eight commitments"))
    elif pledge.version_id != current_version.pk:
        missing.append(("commitments", "The pledge's wording has been updated: read and agree to it again"))
    if sorted(action.number for action in draft_actions) != [1, 2]:
        missing.append(("actions", "Describe your two actions"))
    if pledge.show_actions is None or pledge.show_logo is None:
        missing.append(("what_to_show", "Make your publishing choices"))
    return missing
