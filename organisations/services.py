"""Writes for organisations: creating and editing organisations, and their people."""

import datetime
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
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
from pledge_portal.people import full_name_of

from .models import (
    Area,
    Invitation,
    JoinRequest,
    Membership,
    NameChange,
    OldSlug,
    Organisation,
    OrganisationEvent,
    emails_of,
)
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


def _unique_slug(name: str, *, organisation: Organisation | None = None) -> str:
    """A slug for `name` that no organisation has or had: an old address must keep leading to its own.

    An organisation taking back a name it had may have its own old address back.
    """
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 1
    while (
        Organisation.objects.filter(slug=slug).exists()
        or OldSlug.objects.filter(slug=slug).exclude(organisation=organisation).exists()
    ):
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
        # As saved, not as the edit form left `organisation`: what changed goes in the audit trail.
        saved = Organisation.objects.select_for_update().get(pk=organisation.pk)
        saved_areas = set(saved.areas.values_list("pk", flat=True))
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
        changed = [
            field
            for field in ("kind", "sector", "website", "description", "logo")
            if getattr(organisation, field) != getattr(saved, field)
        ]
        if {area.pk for area in areas} != saved_areas:
            changed.append("areas")
        _record_details_changed(organisation=organisation, by=by, fields=changed)
        organisation_changed.send(sender=Organisation, organisation=organisation)
    return organisation


def update_organisation_in_admin(
    *, organisation: Organisation, by: AbstractBaseUser, changed: Sequence[str]
) -> Organisation:
    """Staff change an organisation in the admin: saved, audited, and the public directory re-rendered.

    The admin's form has already set the `changed` fields on `organisation`; the
    admin saves its areas just after, in the same transaction, and the directory
    renders after commit, so it shows them.
    """
    with transaction.atomic():
        organisation.save()
        _record_details_changed(organisation=organisation, by=by, fields=changed)
        organisation_changed.send(sender=Organisation, organisation=organisation)
    return organisation


def _record_details_changed(
    *, organisation: Organisation, by: AbstractBaseUser, fields: Sequence[str]
) -> None:
    if not fields:
        return
    names = ", ".join(str(Organisation._meta.get_field(field).verbose_name) for field in fields)
    OrganisationEvent.objects.create(
        organisation=organisation,
        kind=OrganisationEvent.Kind.DETAILS_CHANGED,
        actor=by,
        note=f"Changed: {names}"[:200],
    )


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
        if not invitation.is_pending(now=timezone.now()) or not _sent_since_joining(invitation, by):
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


def _sent_since_joining(invitation: Invitation, user: AbstractBaseUser) -> bool:
    """Whether `user` may act on `invitation`: the ones they may see (see `visible_invitations`)."""
    return Invitation.objects.filter(
        pk=invitation.pk,
        created_at__gte=_joined(organisation_id=invitation.organisation_id, user=user),
    ).exists()


# Requests to join -----------------------------------------------------------------


def may_start_without_asking(
    *, organisation: Organisation, user: AbstractBaseUser, has_pledges: bool
) -> bool:
    """Whether `user` may act for `organisation` without anyone's approval.

    Members may. While nobody belongs to it and it has never had a pledge, so has
    no people to protect, so may the person who added it (they deleted their own
    draft) or, for one the programme team added, the first person to choose it.
    Anyone else asks: its members, or the programme team when it has none.
    """
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        return True
    return (
        organisation.created_by_id in (None, user.pk)
        and not has_pledges
        and not Membership.objects.filter(organisation=organisation).exists()
    )


def who_answers(join_request: JoinRequest) -> list[str]:
    """The addresses asked to answer a request: the organisation's people of its current period, or else
    the programme team."""
    people = Membership.objects.filter(organisation=join_request.organisation).of_current_period()
    return emails_of(people.people()) or [settings.PROGRAMME_TEAM_EMAIL]


def request_to_join(*, organisation: Organisation, by: AbstractBaseUser) -> JoinRequest:
    """Ask to become a contact for `organisation`; its people (or the team, if none) are emailed.

    Asking again while a request waits returns that request and emails nobody.
    """
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if Membership.objects.filter(organisation=organisation, user=by).exists():
            raise NotAllowed(f"You are already a contact for {organisation}.")
        waiting = JoinRequest.objects.pending().filter(organisation=organisation, user=by).first()
        if waiting:
            return waiting
        # Each request emails an organisation's people with the asker's name in the subject: limited,
        # so the portal cannot be used to send unwanted email.
        day_ago = timezone.now() - datetime.timedelta(days=1)
        if (
            JoinRequest.objects.filter(user=by, created_at__gt=day_ago).count()
            >= settings.JOIN_REQUESTS_PER_DAY_PER_PERSON
        ):
            raise NotAllowed(
                f"You have asked to join {settings.JOIN_REQUESTS_PER_DAY_PER_PERSON} organisations in the "
                "last day, which is as many as we allow. Try again tomorrow, or email the programme team."
            )
        join_request = JoinRequest.objects.create(organisation=organisation, user=by)
        OrganisationEvent.objects.create(
            organisation=organisation, kind=OrganisationEvent.Kind.JOIN_REQUESTED, actor=by, person=by
        )
        to_team = (
            not Membership.objects.filter(organisation=organisation).of_current_period().people().exists()
        )
        context = {
            "join_request": join_request,
            "organisation": organisation,
            "requester": by,
            "to_team": to_team,
            "answer_url": settings.SITE_URL
            + reverse("organisations:answer_join_request", kwargs={"pk": join_request.pk}),
        }
        for address in who_answers(join_request):
            # About nothing: the team's failed-emails list links every `about` as a pledge.
            queue_templated_email(to=address, template="join_request", context=context)
    return join_request


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


def answer_join_request(*, join_request: JoinRequest, by: AbstractBaseUser, approve: bool) -> JoinRequest:
    """Approve (the person becomes a contact) or decline a request to join, and tell the person."""
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=join_request.organisation_id)
        join_request = (
            JoinRequest.objects.select_for_update(of=("self",))
            .select_related("organisation", "user")
            .get(pk=join_request.pk)
        )
        if not may_answer(join_request=join_request, user=by):
            raise NotAllowed(
                "Only people at the organisation, or the programme team, can answer this request."
            )
        if join_request.status != JoinRequest.Status.PENDING:
            raise NotAllowed(f"This request has already been {join_request.get_status_display().lower()}.")
        join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
        join_request.decided_at = timezone.now()
        join_request.decided_by = by
        join_request.save(update_fields=["status", "decided_at", "decided_by"])
        organisation = join_request.organisation
        if approve:
            Membership.objects.get_or_create(
                organisation=organisation, user=join_request.user, defaults={"role": Membership.Role.CONTACT}
            )
        OrganisationEvent.objects.create(
            organisation=organisation,
            kind=OrganisationEvent.Kind.JOIN_APPROVED if approve else OrganisationEvent.Kind.JOIN_DECLINED,
            actor=by,
            person=join_request.user,
        )
        queue_templated_email(
            to=join_request.user.email,
            template="join_request_answered",
            context={
                "join_request": join_request,
                "organisation": organisation,
                "sign_url": settings.SITE_URL + reverse("pledges:my_pledges"),
            },
        )
    return join_request


# Changes of name -------------------------------------------------------------------


def request_name_change(
    *, organisation: Organisation, by: AbstractBaseUser, new_name: str, reason: str
) -> NameChange:
    """Someone at the organisation asks for a new name, with a reason; the programme team decides."""
    new_name = " ".join(new_name.split())
    reason = reason.strip()
    if not new_name or not reason:
        raise NotAllowed("Give the new name and the reason for it.")
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not Membership.objects.filter(organisation=organisation, user=by).exists():
            raise NotAllowed(f"Only people at {organisation} can ask to change its name.")
        if new_name == organisation.name:
            raise NotAllowed(f"{organisation} already has this name.")
        if Organisation.objects.filter(name__iexact=new_name).exclude(pk=organisation.pk).exists():
            raise NotAllowed("Another organisation is registered with this name.")
        if organisation.name_changes.filter(status=NameChange.Status.REQUESTED).exists():
            raise NotAllowed("A change of name is already waiting for the programme team's decision.")
        change = NameChange.objects.create(
            organisation=organisation,
            old_name=organisation.name,
            new_name=new_name,
            reason=reason,
            requested_by=by,
        )
        queue_templated_email(
            to=settings.PROGRAMME_TEAM_EMAIL,
            template="name_change_requested",
            context={
                "change": change,
                "organisation": organisation,
                "requested_by": by,
                "decision_url": settings.SITE_URL
                + reverse("team:name_change", kwargs={"change_id": change.pk}),
            },
            about=organisation,
        )
    return change


def approve_name_change(*, change: NameChange, by: AbstractBaseUser, note: str = "") -> NameChange:
    """The programme team approves a new name: the slug changes, and the old one answers 301 for good."""
    with transaction.atomic():
        change = _lock_waiting_name_change(change=change, by=by)
        organisation = Organisation.objects.select_for_update().get(pk=change.organisation_id)
        if Organisation.objects.filter(name__iexact=change.new_name).exclude(pk=organisation.pk).exists():
            raise NotAllowed("Another organisation has taken this name since it was asked for. Decline it.")
        new_slug = _unique_slug(change.new_name, organisation=organisation)
        if new_slug != organisation.slug:
            OldSlug.objects.filter(organisation=organisation, slug=new_slug).delete()
            OldSlug.objects.create(organisation=organisation, slug=organisation.slug)
            organisation.slug = new_slug
        organisation.name = change.new_name
        organisation.save()
        change.organisation = organisation
        _decide(change=change, by=by, status=NameChange.Status.APPROVED, note=note)
        organisation_changed.send(sender=Organisation, organisation=organisation)
    return change


def decline_name_change(*, change: NameChange, by: AbstractBaseUser, note: str) -> NameChange:
    """The programme team declines a new name, saying why."""
    note = note.strip()
    if not note:
        raise NotAllowed("Say why the new name is declined.")
    with transaction.atomic():
        change = _lock_waiting_name_change(change=change, by=by)
        _decide(change=change, by=by, status=NameChange.Status.DECLINED, note=note)
    return change


def _lock_waiting_name_change(*, change: NameChange, by: AbstractBaseUser) -> NameChange:
    if not by.is_programme_team:
        raise NotAllowed("Only the programme team can decide a change of name.")
    change = (
        NameChange.objects.select_for_update(of=("self",))
        .select_related("organisation", "requested_by", "decided_by")
        .get(pk=change.pk)
    )
    if change.status != NameChange.Status.REQUESTED:
        who = full_name_of(change.decided_by)
        raise NotAllowed(f"This change of name was already {change.get_status_display().lower()} by {who}.")
    return change


def _decide(*, change: NameChange, by: AbstractBaseUser, status: str, note: str) -> None:
    change.status = status
    change.decided_by = by
    change.decided_at = timezone.now()
    change.decision_note = note.strip()
    change.save()
    if change.requested_by is not None and change.requested_by.is_active:
        queue_templated_email(
            to=change.requested_by.email,
            template="name_change_decided",
            context={"change": change, "organisation": change.organisation},
            about=change.organisation,
        )
