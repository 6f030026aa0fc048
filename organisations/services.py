"""Writes for organisations: creating and editing organisations, and their people."""

import datetime
import secrets
from collections.abc import Iterable
from typing import Literal

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from outbox.services import queue_templated_email
from pledge_portal.errors import NotAllowed

from .models import Area, Invitation, Membership, Organisation
from .signals import organisation_changed

# Organisations and duplicates --------------------------------------------------


def find_possible_duplicates(
    *, name: str, website: str = "", limit: int = 10, among: QuerySet[Organisation] | None = None
) -> list[Organisation]:
    """Organisations (of `among`, or all) that may be the one described, by `organisations.matching`'s rule.

    One query; callers annotate `among` with what they need to show beside each.
    """
    organisations = Organisation.objects.all() if among is None else among
    return organisations.possibly_same_as(name=name, website=website, limit=limit)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_organisation(
    *,
    by: AbstractBaseUser,
    name: str,
    kind: str,
    sector: str,
    areas: Iterable[Area],
    website: str = "",
    description: str = "",
    logo: File | None = None,
    parent: Organisation | None = None,
) -> Organisation:
    """Add a new organisation, created by `by`. Its name must not already be taken (ignoring case)."""
    name = " ".join(name.split())
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name,
                slug=_unique_slug(name),
                kind=kind,
                sector=sector,
                website=website,
                description=description,
                logo=logo or "",
                parent=parent,
                created_by=by,
            )
    except IntegrityError as error:
        raise NotAllowed(
            "An organisation with this name is already registered. Search for it and choose it."
        ) from error
    organisation.areas.set(areas)
    return organisation


def update_organisation(
    *,
    organisation: Organisation,
    by: AbstractBaseUser,
    kind: str,
    sector: str,
    areas: Iterable[Area],
    website: str = "",
    description: str = "",
    logo: File | Literal[False] | None = None,
) -> Organisation:
    """A member edits their organisation's details. The name is not changed here (see the edit page).

    `logo` is a new (already validated and re-encoded) file, False to remove the
    current logo, or None to keep it. The public directory is re-rendered after commit.
    """
    with transaction.atomic():
        organisation.kind = kind
        organisation.sector = sector
        organisation.website = website
        organisation.description = description
        if logo is False:
            organisation.logo = ""
        elif logo is not None:
            organisation.logo = logo
        organisation.save()
        organisation.areas.set(areas)
        organisation_changed.send(sender=Organisation, organisation=organisation)
    return organisation


# Contacts and invitations -------------------------------------------------------


def _lock_organisation_for(*, organisation: Organisation, by: AbstractBaseUser) -> Organisation:
    """Lock the organisation, serialising changes to its people, and check `by` belongs to it."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not Membership.objects.filter(organisation=organisation, user=by).exists():
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
        if not invitation.is_pending(now=timezone.now()):
            raise NotAllowed("This invitation can no longer be used, so there is nothing to withdraw.")
        invitation.revoked_at = timezone.now()
        invitation.revoked_by = by
        invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


def remove_contact(*, membership: Membership, by: AbstractBaseUser) -> None:
    """Remove a person from an organisation; they lose access at once. Never the last person."""
    with transaction.atomic():
        organisation = _lock_organisation_for(organisation=membership.organisation, by=by)
        people = list(Membership.objects.filter(organisation=organisation).values_list("pk", flat=True))
        if membership.pk not in people:
            raise NotAllowed("This person is no longer a contact.")
        if len(people) == 1:
            raise NotAllowed(
                f"You cannot remove the last contact for {organisation}. Invite someone else first."
            )
        Membership.objects.filter(pk=membership.pk).delete()
