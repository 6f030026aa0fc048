"""Writes for an organisation's people: inviting contacts, accepting and withdrawing invitations, removing
a contact, and ending a period of people when a pledge ends."""

import datetime
import secrets
from collections import Counter
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from organisations.models import Invitation, Membership, Organisation, OrganisationEvent
from organisations.selectors import is_member, sent_since_joining
from outbox.services import queue_templated_email
from pledge_portal.errors import NotAllowed


def _lock_organisation_for(*, organisation: Organisation, by: AbstractBaseUser) -> Organisation:
    """Lock the organisation, serialising changes to its people, and check `by` belongs to it."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not is_member(organisation=organisation, user=by):
        raise NotAllowed(f"Only people at {organisation} can change its contacts.")
    return organisation


def invite_contact(*, organisation: Organisation, email: str, by: AbstractBaseUser) -> tuple[Invitation, str]:
    """Email `email` a link to become a contact for `organisation`; returns (invitation, token).

    Inviting the same address again withdraws the earlier invitation, so only
    the newest link works.
    """
    with transaction.atomic():
        organisation = _lock_organisation_for(organisation=organisation, by=by)
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise NotAllowed(f"{email} is already a contact for {organisation}.")
        now = timezone.now()
        _refuse_over_invitation_limits(organisation=organisation, by=by, now=now)
        Invitation.objects.pending(now=now).filter(organisation=organisation, email__iexact=email).update(
            revoked_at=now, revoked_by=by
        )
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            token_hash=Invitation.hash_token(token),
            invited_by=by,
            expires_at=now + datetime.timedelta(days=settings.CONTACT_INVITATION_VALID_DAYS),
        )
        queue_templated_email(
            to=email,
            template="contact_invitation",
            context={
                "invitation": invitation,
                "organisation": organisation,
                "invited_by": by,
                "accept_url": settings.SITE_URL
                + reverse("organisations:accept_invitation", kwargs={"token": token}),
            },
        )
    return invitation, token


def _refuse_over_invitation_limits(*, organisation: Organisation, by: AbstractBaseUser, now) -> None:
    """Stop the portal becoming a relay for unwanted email: limits per hour, and on pending invitations.

    Counted from the invitations themselves (withdrawn ones too), under the
    organisation's lock, so every web process sees the same count.
    """
    hour_ago = now - datetime.timedelta(hours=1)
    recent = Invitation.objects.filter(created_at__gt=hour_ago)
    if recent.filter(invited_by=by).count() >= settings.CONTACT_INVITATIONS_PER_HOUR_PER_PERSON:
        raise NotAllowed(
            f"You have sent {settings.CONTACT_INVITATIONS_PER_HOUR_PER_PERSON} invitations in the last hour, "
            "which is as many as we allow. Try again in an hour."
        )
    if (
        recent.filter(organisation=organisation).count()
        >= settings.CONTACT_INVITATIONS_PER_HOUR_PER_ORGANISATION
    ):
        raise NotAllowed(
            f"{organisation} has sent {settings.CONTACT_INVITATIONS_PER_HOUR_PER_ORGANISATION} invitations "
            "in the last hour, which is as many as we allow. Try again in an hour."
        )
    pending = Invitation.objects.pending(now=now).filter(organisation=organisation).count()
    if pending >= settings.CONTACT_INVITATIONS_PENDING_MAX:
        raise NotAllowed(
            f"{organisation} already has {pending} invitations waiting to be accepted, which is as many "
            "as we allow. Withdraw some you no longer need, or wait for them to be accepted."
        )


def accept_invitation(*, token: str, user: AbstractBaseUser) -> Membership:
    """Make `user` a contact, if the invitation is still open and was sent to their email address."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.for_token(token)
            .select_for_update(of=("self",))
            .select_related("organisation")
            .first()
        )
        now = timezone.now()
        if invitation is None:
            raise NotAllowed("This invitation link does not work. Check you copied the whole link.")
        if invitation.revoked_at is not None:
            raise NotAllowed(
                "This invitation was withdrawn. Ask the person who invited you to send a new one."
            )
        if invitation.accepted_at is not None:
            if invitation.accepted_by_id == user.pk:
                return Membership.objects.get(organisation=invitation.organisation, user=user)
            raise NotAllowed("This invitation has already been used.")
        if invitation.expires_at <= now:
            raise NotAllowed("This invitation has expired. Ask the person who invited you to send a new one.")
        if invitation.email.casefold() != user.email.casefold():
            raise NotAllowed(
                f"This invitation was sent to {invitation.email}, but you are signed in as {user.email}. "
                f"Sign out, then sign in or create an account with {invitation.email} to accept it."
            )
        membership, _ = Membership.objects.get_or_create(
            organisation=invitation.organisation, user=user, defaults={"role": Membership.Role.CONTACT}
        )
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def revoke_invitation(*, invitation: Invitation, by: AbstractBaseUser) -> Invitation:
    with transaction.atomic():
        _lock_organisation_for(organisation=invitation.organisation, by=by)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_pending(now=timezone.now()) or not sent_since_joining(invitation, by):
            raise NotAllowed("This invitation can no longer be used, so there is nothing to withdraw.")
        invitation.revoked_at = timezone.now()
        invitation.revoked_by = by
        invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


def remove_contact(*, membership: Membership, by: AbstractBaseUser) -> None:
    """Remove a person from an organisation; they lose access at once. Never the last person."""
    with transaction.atomic():
        organisation = _lock_organisation_for(organisation=membership.organisation, by=by)
        people = Membership.objects.filter(organisation=organisation)
        if not people.filter(pk=membership.pk).seen_by(by).exists():  # gone, or another period's person
            raise NotAllowed("This person is no longer a contact.")
        if people.count() == 1:
            raise NotAllowed(
                f"You cannot remove the last contact for {organisation}. Invite someone else first."
            )
        Membership.objects.filter(pk=membership.pk).delete()
        OrganisationEvent.objects.create(
            organisation=organisation,
            kind=OrganisationEvent.Kind.CONTACT_REMOVED,
            actor=by,
            person_id=membership.user_id,
            note=membership.get_role_display(),
        )


def end_period(*, organisation: Organisation, by: AbstractBaseUser | None) -> int:
    """Close the period of the organisation's people: called when its pledge ends or its draft is deleted.

    Every invitation still open is withdrawn, and whoever joins from now on sees
    only the people who joined since (`Membership.objects.seen_by`): whoever acts for
    the organisation's next pledge invites their own people.
    Returns how many invitations were withdrawn.
    """
    return end_periods(organisations=[organisation], by=by).get(organisation.pk, 0)


def end_periods(*, organisations: Sequence[Organisation], by: AbstractBaseUser | None) -> dict[int, int]:
    """`end_period` for many organisations in a constant number of queries (a batch of lapses).

    Returns how many invitations were withdrawn, by organisation id (only those with any).
    """
    organisations = list({organisation.pk: organisation for organisation in organisations}.values())
    now = timezone.now()
    # Locked, so the count each event records is exactly what this UPDATE withdrew.
    pending = list(
        Invitation.objects.pending(now=now)
        .filter(organisation__in=organisations)
        .select_for_update()
        .values_list("pk", "organisation_id")
    )
    if pending:
        Invitation.objects.filter(pk__in=[pk for pk, _ in pending]).update(revoked_at=now, revoked_by=by)
    ended = Counter(organisation_id for _, organisation_id in pending)
    events = []
    for organisation in organisations:
        events.append(
            OrganisationEvent(organisation=organisation, kind=OrganisationEvent.Kind.PERIOD_ENDED, actor=by)
        )
        if count := ended[organisation.pk]:
            events.append(
                OrganisationEvent(
                    organisation=organisation,
                    kind=OrganisationEvent.Kind.INVITATIONS_ENDED,
                    actor=by,
                    note=f"{count} pending invitation{'s' if count != 1 else ''}",
                )
            )
    OrganisationEvent.objects.bulk_create(events)
    return dict(ended)
