"""Reads of organisations and their people that views and services share: who belongs, who may act."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from .models import Invitation, JoinRequest, Membership, Organisation


def find_possible_duplicates(
    *, name: str, website: str = "", limit: int = 10, among: QuerySet[Organisation] | None = None
) -> list[Organisation]:
    """Organisations (of `among`, or all) that may be the one described, by `organisations.matching`'s rule.

    One query; callers annotate `among` with what they need to show beside each.
    """
    organisations = Organisation.objects.all() if among is None else among
    return organisations.possibly_same_as(name=name, website=website, limit=limit)


def is_member(*, organisation: Organisation | int, user: AbstractBaseUser) -> bool:
    """Whether `user` is one of the organisation's people, of any period."""
    return Membership.objects.filter(organisation=organisation, user=user).exists()


def visible_invitations(*, organisation: Organisation, user: AbstractBaseUser) -> QuerySet[Invitation]:
    """The pending invitations `user` may see: none sent before they joined (another period's people)."""
    return (
        Invitation.objects.pending(now=timezone.now())
        .filter(
            organisation=organisation, created_at__gte=_joined(organisation_id=organisation.pk, user=user)
        )
        .select_related("invited_by")
    )


def _joined(*, organisation_id: int, user: AbstractBaseUser) -> QuerySet[Membership]:
    """When `user` joined the organisation, as a subquery (empty if they are not a member)."""
    return Membership.objects.filter(organisation_id=organisation_id, user=user).values("created_at")[:1]


def sent_since_joining(invitation: Invitation, user: AbstractBaseUser) -> bool:
    """Whether `user` may act on `invitation`: the ones they may see (see `visible_invitations`)."""
    return Invitation.objects.filter(
        pk=invitation.pk,
        created_at__gte=_joined(organisation_id=invitation.organisation_id, user=user),
    ).exists()


def may_start_without_asking(
    *, organisation: Organisation, user: AbstractBaseUser, has_pledges: bool
) -> bool:
    """Whether `user` may act for `organisation` without anyone's approval.

    Members may. While nobody belongs to it and it has never had a pledge, so has
    no people to protect, so may the person who added it (they deleted their own
    draft) or, for one the programme team added, the first person to choose it.
    Anyone else asks: its members, or the programme team when it has none.
    """
    if is_member(organisation=organisation, user=user):
        return True
    return (
        organisation.created_by_id in (None, user.pk)
        and not has_pledges
        and not Membership.objects.filter(organisation=organisation).exists()
    )


def may_answer(*, join_request: JoinRequest, user: AbstractBaseUser) -> bool:
    """The organisation's members of its current period answer; the programme team may answer any request.

    Someone whose period ended (the pledge they acted for was withdrawn, say) would let in a
    person who then never sees them: the current period's people, or the team, decide.
    """
    return user.is_programme_team or (
        Membership.objects.filter(organisation_id=join_request.organisation_id, user=user)
        .of_current_period()
        .exists()
    )
