"""A change of leader: someone starts it, the new signatory reaffirms the commitments, the team is told."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from organisations.models import Membership
from outbox.services import queue_templated_email
from pledge_portal.errors import NotAllowed
from pledges.models import Pledge, PledgeEvent, SignatoryChange
from pledges.services.signing import names_match
from pledges.services.transitions import record_event
from pledges.signals import pledge_changed


def start_signatory_change(*, pledge: Pledge, by: User, new_signatory: User) -> SignatoryChange:
    """The signatory, a contact or the programme team names the partner's new signatory, who is emailed.

    A change already waiting is replaced: only the latest one can be completed.
    """
    with transaction.atomic():
        pledge = _lock_approved(pledge)
        is_member = Membership.objects.filter(organisation=pledge.organisation_id, user=by).exists()
        if not (is_member or by.is_programme_team):
            raise NotAllowed(
                f"Only people at {pledge.organisation} or the programme team can change its signatory."
            )
        people = Membership.objects.filter(organisation=pledge.organisation_id).of_current_period()
        if not people.filter(user=new_signatory).exists():
            raise NotAllowed(
                f"The new signatory must be one of {pledge.organisation}'s people. "
                "Invite them as a contact first."
            )
        pledge.signatory_changes.filter(status=SignatoryChange.Status.WAITING).update(
            status=SignatoryChange.Status.REPLACED
        )
        change = SignatoryChange.objects.create(
            pledge=pledge,
            started_by=by,
            new_signatory=new_signatory,
            previous_signatory_name=pledge.signatory_name,
            previous_signatory_job_title=pledge.signatory_job_title,
        )
        queue_templated_email(
            to=new_signatory.email,
            template="signatory_change_started",
            context={
                "change": change,
                "pledge": pledge,
                "organisation": pledge.organisation,
                "started_by": by,
                "reaffirm_url": settings.SITE_URL + reaffirm_path(change),
            },
            about=pledge,
        )
    return change


def complete_signatory_change(
    *,
    change: SignatoryChange,
    by: User,
    signatory_name: str,
    signatory_job_title: str,
    signatory_role: str,
    leader_name: str,
    leader_job_title: str,
    declaration_name: str,
    show_signatory: bool,
) -> SignatoryChange:
    """The new signatory reaffirms the pledge's commitments with their typed name and authority to sign."""
    with transaction.atomic():
        change = SignatoryChange.objects.select_for_update(of=("self",)).get(pk=change.pk)
        if change.new_signatory_id != by.pk:
            raise NotAllowed("Only the person named as the new signatory can complete this change.")
        if change.status != SignatoryChange.Status.WAITING:
            raise NotAllowed(f"This change of signatory is {change.get_status_display().lower()}.")
        pledge = _lock_approved(change.pledge)
        memberships = Membership.objects.filter(organisation=pledge.organisation_id).of_current_period()
        if not memberships.filter(user=by).exists():
            raise NotAllowed(
                f"You are no longer one of {pledge.organisation}'s people, so you cannot sign for it."
            )
        if signatory_role == Pledge.SignatoryRole.AUTHORISED and not (
            leader_name.strip() and leader_job_title.strip()
        ):
            raise NotAllowed("Give your leader's name and job title, as you are signing for them.")
        if not names_match(declaration_name, signatory_name):
            raise NotAllowed("Type your full name exactly as you gave it to sign.")
        pledge.signatory_name = signatory_name.strip()
        pledge.signatory_job_title = signatory_job_title.strip()
        pledge.signatory_role = signatory_role
        authorised = signatory_role == Pledge.SignatoryRole.AUTHORISED
        pledge.leader_name = leader_name.strip() if authorised else ""
        pledge.leader_job_title = leader_job_title.strip() if authorised else ""
        pledge.declaration_name = declaration_name.strip()
        pledge.show_signatory = show_signatory
        # The pledge's account is its signatory's: decisions and "Your pledge" follow the new leader, and
        # the events keep who started the pledge and who signed before.
        pledge.created_by = by
        pledge.save()
        memberships.filter(role=Membership.Role.SIGNATORY).exclude(user=by).update(
            role=Membership.Role.CONTACT
        )
        memberships.filter(user=by).update(role=Membership.Role.SIGNATORY)
        change.status = SignatoryChange.Status.COMPLETED
        change.completed_at = timezone.now()
        change.save()
        previous = _described(change.previous_signatory_name, change.previous_signatory_job_title)
        record_event(
            pledge=pledge,
            kind=PledgeEvent.Kind.SIGNATORY_CHANGED,
            actor=by,
            note=f"Signatory changed from {previous} to "
            f"{_described(pledge.signatory_name, pledge.signatory_job_title)} on "
            f"{date_format(timezone.localdate(change.completed_at), 'j F Y')}, reaffirming the commitments "
            f"of version {pledge.version.number}. "
            f"Their name is {'shown' if show_signatory else 'not shown'} publicly.",
        )
        queue_templated_email(
            to=settings.PROGRAMME_TEAM_EMAIL,
            template="signatory_changed_team",
            context={
                "change": change,
                "pledge": pledge,
                "organisation": pledge.organisation,
                "team_url": settings.SITE_URL + reverse("team:pledge", args=[pledge.pk]),
            },
            about=pledge,
        )
        pledge_changed.send(sender=Pledge, pledge=pledge)
    return change


def reaffirm_path(change: SignatoryChange) -> str:
    return reverse("pledges:reaffirm_as_signatory", kwargs={"pk": change.pledge_id, "change_id": change.pk})


def _lock_approved(pledge: Pledge) -> Pledge:
    pledge = (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("organisation", "version")
        .get(pk=pledge.pk)
    )
    if pledge.status != Pledge.Status.APPROVED:
        raise NotAllowed(
            f"This pledge is {pledge.get_status_display().lower()}, so its signatory cannot be changed now."
        )
    return pledge


def _described(name: str, job_title: str) -> str:
    return f"{name} ({job_title})" if job_title else name
