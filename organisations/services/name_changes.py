"""Writes for a change of name: a partner asks, and the programme team approves or declines it."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from organisations.models import NameChange, OldSlug, Organisation
from organisations.selectors import is_member
from organisations.services.details import unique_slug
from organisations.signals import organisation_changed
from outbox.services import queue_templated_email
from pledge_portal.errors import NotAllowed
from pledge_portal.people import full_name_of


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
        if not is_member(organisation=organisation, user=by):
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
        new_slug = unique_slug(change.new_name, organisation=organisation)
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
