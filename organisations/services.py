"""Writes for organisations: creating and editing partners, their people, and the public directory."""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import Invitation, Membership, Organisation

# Organisations and duplicates --------------------------------------------------


# Contacts and invitations -------------------------------------------------------


class ContactError(Exception):
    """A change to an organisation's contacts that is not allowed. The message is shown to people."""


def _lock_organisation_for(*, organisation, by):
    """Lock the organisation, serialising changes to its people, and check `by` belongs to it."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not Membership.objects.filter(organisation=organisation, user=by).exists():
        raise ContactError(f"Only people at {organisation} can change its contacts.")
    return organisation


def invite_contact(*, organisation, email, by):
    """Email `email` a link to become a contact for `organisation`; returns (invitation, token).

    Inviting the same address again withdraws the earlier invitation, so only
    the newest link works.
    """
    from pledges.services import queue_templated_email

    with transaction.atomic():
        organisation = _lock_organisation_for(organisation=organisation, by=by)
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise ContactError(f"{email} is already a contact for {organisation}.")
        now = timezone.now()
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
                + reverse("pledges:accept_invitation", kwargs={"token": token}),
            },
        )
    return invitation, token


def accept_invitation(*, token, user):
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
            raise ContactError("This invitation link does not work. Check you copied the whole link.")
        if invitation.revoked_at is not None:
            raise ContactError(
                "This invitation was withdrawn. Ask the person who invited you to send a new one."
            )
        if invitation.accepted_at is not None:
            if invitation.accepted_by_id == user.pk:
                return Membership.objects.get(organisation=invitation.organisation, user=user)
            raise ContactError("This invitation has already been used.")
        if invitation.expires_at <= now:
            raise ContactError(
                "This invitation has expired. Ask the person who invited you to send a new one."
            )
        if invitation.email.casefold() != user.email.casefold():
            raise ContactError(
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


def revoke_invitation(*, invitation, by):
    with transaction.atomic():
        _lock_organisation_for(organisation=invitation.organisation, by=by)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_pending(now=timezone.now()):
            raise ContactError("This invitation can no longer be used, so there is nothing to withdraw.")
        invitation.revoked_at = timezone.now()
        invitation.revoked_by = by
        invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


def remove_contact(*, membership, by):
    """Remove a person from an organisation; they lose access at once. Never the last person."""
    with transaction.atomic():
        organisation = _lock_organisation_for(organisation=membership.organisation, by=by)
        people = list(Membership.objects.filter(organisation=organisation).values_list("pk", flat=True))
        if membership.pk not in people:
            raise ContactError("This person is no longer a contact.")
        if len(people) == 1:
            raise ContactError(
                f"You cannot remove the last contact for {organisation}. Invite someone else first."
            )
        Membership.objects.filter(pk=membership.pk).delete()


# The public directory -------------------------------------------------------------


def schedule_directory_render():
    """Re-render the public directory once the current transaction commits.

    Every service that changes what the directory shows (approval, withdrawal,
    a partner's edits, a recorded review) calls this.
    """
    from .tasks import render_directory

    transaction.on_commit(render_directory.delay)
