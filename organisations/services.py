"""Writes for organisations: creating and editing partners, their people, and the public directory."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from pledge_portal.celery import publish_on_commit

from .directory import build_directory
from .models import (
    DirectoryDeparture,
    DirectoryEntry,
    DirectoryRenderRequest,
    DirectorySnapshot,
    Invitation,
    Membership,
    Organisation,
)

# Organisations and duplicates --------------------------------------------------


def find_possible_duplicates(*, name, website="", limit=10):
    """Organisations that may be the one described, by `organisations.matching`'s rule; one query.

    Each result has `has_live_pledge`.
    """
    organisations = Organisation.objects.with_live_pledge_flag()
    return organisations.possibly_same_as(name=name, website=website, limit=limit)


def _unique_slug(name):
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_organisation(*, by, name, kind, sector, areas, website="", description="", logo=None, parent=None):
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
        raise ValidationError(
            {"name": "An organisation with this name is already registered. Search for it and choose it."}
        ) from error
    organisation.areas.set(areas)
    return organisation


def update_organisation(*, organisation, by, kind, sector, areas, website="", description="", logo=None):
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
        schedule_directory_render()
    return organisation


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
    from pledges.outbox import queue_templated_email

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

# Snapshots kept: the current one and the one before, so a request that began
# reading the previous snapshot can finish with it while a new one lands.
SNAPSHOTS_KEPT = 2
ENTRY_BATCH_SIZE = 1000


def schedule_directory_render():
    """Re-render the public directory once the current transaction commits.

    Every service that changes what the directory shows (approval, withdrawal,
    a partner's edits, a recorded review) calls this.
    """
    # The request row outlives a broker that is down or loses the task: the render sweep finds it.
    DirectoryRenderRequest.objects.create()
    publish_on_commit("organisations.tasks.render_requested_directory", ())


def render_requested_directory():
    """Render if any change is still waiting to be shown (after a change, and every few minutes).

    Returns the new snapshot, or None when every request was already covered.
    """
    if not DirectoryRenderRequest.objects.exists():
        return None
    return render_directory()


def render_directory():
    """Build the directory from the database and publish it as a new snapshot, atomically.

    Readers see the previous snapshot until this one commits, then this one.
    Safe to run twice or concurrently: the snapshot whose reads began last is
    the current one. Returns the snapshot now current.
    """
    data_as_of = timezone.now()
    # Requests committed before the reads begin are covered by this render; later ones are not.
    covered = list(DirectoryRenderRequest.objects.values_list("pk", flat=True))
    directory = build_directory()
    content_hash = directory.content_hash
    with transaction.atomic():
        previous = DirectorySnapshot.objects.current()
        unchanged = previous is not None and previous.content_hash == content_hash
        changed_at = previous.content_changed_at if unchanged else data_as_of
        snapshot = DirectorySnapshot.objects.create(
            data_as_of=data_as_of,
            rendered_at=timezone.now(),
            content_changed_at=changed_at,
            content_hash=content_hash,
            partner_count=len(directory.entries),
            summary=directory.summary,
            partners_json=directory.partners_json(updated=changed_at),
            partners_csv=directory.partners_csv,
            actions_csv=directory.actions_csv,
        )
        DirectoryEntry.objects.bulk_create(
            (DirectoryEntry(snapshot_id=snapshot.pk, **entry) for entry in directory.entries),
            batch_size=ENTRY_BATCH_SIZE,
        )
        DirectoryDeparture.objects.bulk_create(
            (DirectoryDeparture(snapshot_id=snapshot.pk, **departure) for departure in directory.departures),
            batch_size=ENTRY_BATCH_SIZE,
        )
        DirectorySnapshot.objects.superseded(keep=SNAPSHOTS_KEPT).delete()
        DirectoryRenderRequest.objects.filter(pk__in=covered).delete()
    return DirectorySnapshot.objects.current()


def current_directory():
    """The snapshot the public sees; rendered here and now if there has never been one."""
    return DirectorySnapshot.objects.current() or render_directory()
