"""The signing journey's writes: a draft, its answers, and its submission.

Each service takes keyword arguments, runs in one transaction and checks the
change is allowed. Starting a draft and submitting it record a PledgeEvent;
saving an answer on the way only changes the draft. Emails are queued in the
outbox in the same transaction, and their sending is enqueued only after commit.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from organisations.models import Membership, Organisation
from organisations.selectors import may_start_without_asking
from organisations.services.contacts import end_period
from organisations.services.details import create_organisation
from outbox.services import queue_templated_email
from pledge_portal.errors import NotAllowed
from pledges import selectors
from pledges.models import Action, Pledge, PledgeEvent, PledgeVersion
from pledges.services.transitions import change_status, record_event


def _lock_editable(pledge: Pledge) -> Pledge:
    """Lock the pledge's row and refuse if it can no longer be edited (e.g. it was just submitted)."""
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if not locked.is_editable:
        raise NotAllowed(
            f"This pledge is {locked.get_status_display().lower()}, so it cannot be changed now."
        )
    return locked


def start_pledge(*, organisation: Organisation, by: User) -> Pledge:
    """Start a draft pledge for `organisation`; `by` becomes its signatory member.

    Only its members may, or whoever added it while it is new (see
    `may_start_without_asking`); anyone else asks to join first.

    Refused when the organisation already has a live pledge (a draft, one
    waiting for a decision or for changes, or an approved one): the database allows
    only one, and two people racing here get one draft and one clear refusal.
    """

    version = PledgeVersion.objects.current()
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint, so the refusal leaves the outer transaction usable
                pledge = Pledge.objects.create(
                    organisation=organisation,
                    version=version,
                    created_by=by,
                    signatory_name=by.name,
                )
        except IntegrityError as error:
            raise NotAllowed(
                f"{organisation.name} already has a pledge, so a second one cannot be started."
            ) from error
        # Checked once this draft holds the organisation's one live place, so nobody joins meanwhile;
        # refusing rolls the draft back with everything else.
        if not may_start_without_asking(
            organisation=organisation,
            user=by,
            has_pledges=organisation.pledges.exclude(pk=pledge.pk).exists(),
        ):
            raise NotAllowed(
                f"You are not a contact for {organisation.name}. Ask to join it: its people, "
                "or the programme team, decide."
            )
        membership, created = Membership.objects.get_or_create(
            user=by, organisation=organisation, defaults={"role": Membership.Role.SIGNATORY}
        )
        if not created and membership.role != Membership.Role.SIGNATORY:
            membership.role = Membership.Role.SIGNATORY
            membership.save(update_fields=["role"])
        if not created and not Membership.objects.filter(pk=membership.pk).of_current_period().exists():
            # Someone of a period that ended starts the next pledge: they join its period, as its first
            # person (and, like anyone who joins, see only the people who join it after them).
            Membership.objects.filter(pk=membership.pk).update(created_at=timezone.now())
        record_event(pledge=pledge, kind=PledgeEvent.Kind.CREATED, actor=by, to_status=pledge.status)
    return pledge


def discard_draft(*, pledge: Pledge, by: User) -> Organisation:
    """Delete a draft that was never submitted, for example one started for the wrong organisation.

    Nothing of it was ever seen by the programme team or shown in the directory, so nothing
    is kept. The organisation is free for a new pledge, and the person stops
    being its member unless they have other pledges there.
    """
    with transaction.atomic():
        pledge = Pledge.objects.for_member(by).select_for_update(of=("self",)).filter(pk=pledge.pk).first()
        if pledge is None:
            raise NotAllowed("Only people at the organisation can delete its draft.")
        if pledge.status != Pledge.Status.DRAFT:
            raise NotAllowed("Only a draft that was never submitted can be deleted.")
        organisation = pledge.organisation
        pledge.delete()
        end_period(organisation=organisation, by=by)
        if not organisation.pledges.filter(created_by=by).exists():
            Membership.objects.filter(user=by, organisation=organisation).delete()
    return organisation


def delete_abandoned_drafts(*, untouched_since: datetime.datetime) -> int:
    """Retention: delete drafts never submitted and not changed since `untouched_since`.

    As when someone deletes their own draft, pending invitations end and the
    person who started it stops being a member unless they have other pledges there.
    Returns how many drafts were deleted.
    """
    deleted = 0
    stale = Pledge.objects.filter(
        status=Pledge.Status.DRAFT, submitted_at__isnull=True, updated_at__lt=untouched_since
    )
    for pledge_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            pledge = stale.select_for_update(of=("self",)).filter(pk=pledge_id).first()
            if pledge is None:  # submitted or changed meanwhile
                continue
            organisation, starter = pledge.organisation, pledge.created_by_id
            pledge.delete()
            end_period(organisation=organisation, by=None)
            if starter and not organisation.pledges.filter(created_by_id=starter).exists():
                Membership.objects.filter(user_id=starter, organisation=organisation).delete()
            deleted += 1
    return deleted


def start_pledge_for_new_organisation(*, by: User, **details: Any) -> Pledge:
    """Add the organisation `by` described and start its draft pledge, together or not at all."""
    with transaction.atomic():
        organisation = create_organisation(by=by, **details)
        return start_pledge(organisation=organisation, by=by)


def save_signatory(
    *,
    pledge: Pledge,
    by: User,
    signatory_name: str,
    signatory_job_title: str,
    signatory_role: str,
    leader_name: str = "",
    leader_job_title: str = "",
) -> Pledge:
    """Step "About you": who is signing, and for an authorised representative, who their leader is."""
    with transaction.atomic():
        pledge = _lock_editable(pledge)
        pledge.signatory_name = " ".join(signatory_name.split())
        pledge.signatory_job_title = signatory_job_title.strip()
        pledge.signatory_role = signatory_role
        is_leader = signatory_role == Pledge.SignatoryRole.LEADER
        pledge.leader_name = "" if is_leader else leader_name.strip()
        pledge.leader_job_title = "" if is_leader else leader_job_title.strip()
        pledge.save()
    return pledge


def agree_to_commitments(*, pledge: Pledge, by: User) -> Pledge:
    """Step "The commitments": the organisation agrees to all of them, as currently worded.

    Agreeing moves a draft onto the current wording of the pledge (a new
    version may have been published since it was started) and points its draft
    actions at the same-numbered commitments of that wording.
    """
    version = PledgeVersion.objects.current()
    with transaction.atomic():
        pledge = _lock_editable(pledge)
        if pledge.version_id != version.pk:
            new_commitments = {c.number: c for c in version.commitments.all()}
            for action in pledge.actions.filter(cycle__isnull=True).prefetch_related("commitments"):
                action.commitments.set(
                    [
                        new_commitments[c.number]
                        for c in action.commitments.all()
                        if c.number in new_commitments
                    ]
                )
            pledge.version = version
        pledge.agreed_to_commitments_at = timezone.now()
        pledge.save()
    return pledge


def save_action(*, pledge: Pledge, by: User, number: int, answers: Mapping[str, Any]) -> Action:
    """One action of the signing journey, complete and valid (`answers` is ActionForm's cleaned data).

    Its draft, if it had one, is done with.
    """
    with transaction.atomic():
        pledge = _lock_editable(pledge)
        data = dict(answers)
        commitments = data.pop("commitments")
        if any(c.version_id != pledge.version_id for c in commitments):
            raise NotAllowed("The commitments chosen are not from this pledge's wording.")
        action, _ = Action.objects.update_or_create(pledge=pledge, cycle=None, number=number, defaults=data)
        action.commitments.set(commitments)
        pledge.action_drafts.pop(str(number), None)
        pledge.save(update_fields=["action_drafts", "updated_at"])
    return action


def save_action_draft(*, pledge: Pledge, by: User, number: int, answers: Mapping[str, Any]) -> Pledge:
    """Keep the valid answers of an action not yet complete, so a person who leaves finds them again.

    `answers` holds only the fields that passed validation (ActionForm's
    cleaned data after errors); they are kept as the form's initial values.
    """
    with transaction.atomic():
        pledge = _lock_editable(pledge)
        if answers:
            pledge.action_drafts[str(number)] = {name: _as_draft_value(v) for name, v in answers.items()}
        else:  # nothing valid to keep
            pledge.action_drafts.pop(str(number), None)
        pledge.save(update_fields=["action_drafts", "updated_at"])
    return pledge


def _as_draft_value(value: Any) -> Any:
    """An answer as JSON: a chosen row by its id, several by their ids, a date as YYYY-MM-DD."""
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "values_list"):
        return list(value.values_list("pk", flat=True))
    return value


def save_actions(*, pledge: Pledge, by: User, actions: Sequence[Mapping[str, Any]]) -> Pledge:
    """Both actions at once (the demo's seeding): the answers of action 1 and action 2, in order."""
    with transaction.atomic():
        for number, answers in enumerate(actions, start=1):
            save_action(pledge=pledge, by=by, number=number, answers=answers)
    return pledge


def save_what_to_show(
    *, pledge: Pledge, by: User, show_actions: bool, show_signatory: bool, show_logo: bool
) -> Pledge:
    """Step "Publishing choices": what the public directory may show. Nothing is shown without them."""
    with transaction.atomic():
        pledge = _lock_editable(pledge)
        pledge.show_actions = show_actions
        pledge.show_signatory = show_signatory
        pledge.show_logo = show_logo
        pledge.save()
    return pledge


def names_match(typed: str, given: str) -> bool:
    """Whether a typed name is the given one, ignoring case and spacing."""
    return "".join(typed.split()).casefold() == "".join(given.split()).casefold()


def submit_pledge(*, pledge: Pledge, by: User, declaration_name: str) -> Pledge:
    """Sign and submit a draft (or resubmit after changes were asked for) for the programme team's decision.

    The row is locked first, so a double click or the browser's back button
    gives one submission: the second call finds the pledge already submitted
    and is refused. The pledge keeps the wording it was signed against.
    """
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().select_related("organisation").get(pk=pledge.pk)
        allowed_from = Pledge.EDITABLE_STATUSES
        if pledge.status not in allowed_from:
            raise NotAllowed(
                f"This pledge is {pledge.get_status_display().lower()}, so it cannot be submitted again."
            )
        missing = selectors.missing_answers(pledge)
        if missing:
            raise NotAllowed(
                "Some answers are missing: " + "; ".join(message for _, message in missing) + "."
            )
        if not names_match(declaration_name, pledge.signatory_name):
            raise NotAllowed("The name typed in the declaration does not match the signatory's name.")
        resubmitting = pledge.status == Pledge.Status.CHANGES_REQUESTED
        pledge.declaration_name = " ".join(declaration_name.split())
        pledge.submitted_at = timezone.now()
        change_status(
            pledge=pledge,
            to=Pledge.Status.SUBMITTED,
            by=by,
            kind=PledgeEvent.Kind.RESUBMITTED if resubmitting else PledgeEvent.Kind.SUBMITTED,
            allowed_from=allowed_from,
        )
        actions = list(
            pledge.actions.filter(cycle__isnull=True).select_related("theme").prefetch_related("commitments")
        )
        context = {
            "pledge": pledge,
            "organisation": pledge.organisation,
            "actions": actions,
            "resubmitted": resubmitting,
            "signatory_email": by.email,
            "decision_url": settings.SITE_URL + reverse("team:pledge", args=[pledge.pk]),
            "my_pledges_url": settings.SITE_URL + reverse("pledges:my_pledges"),
            "decision_target_working_days": settings.DECISION_TARGET_WORKING_DAYS,
        }
        queue_templated_email(
            to=by.email, template="pledge_submitted_signatory", context=context, about=pledge
        )
        queue_templated_email(
            to=settings.PROGRAMME_TEAM_EMAIL, template="pledge_submitted_team", context=context, about=pledge
        )
    return pledge
