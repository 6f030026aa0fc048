"""The partner's annual review and the team's acknowledgement of it."""

import datetime
from collections.abc import Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from organisations.models import Membership, emails_of
from outbox.services import queue_templated_email
from pledge_portal.errors import NotAllowed
from pledges.models import Action, ActionTheme, Commitment, Pledge, PledgeEvent, ReviewCycle
from pledges.selectors import has_live_pledge
from pledges.services.transitions import change_status, record_event
from pledges.signals import pledge_changed


def _lock_open_cycle(*, cycle: ReviewCycle, by: User) -> ReviewCycle:
    """Lock `cycle` for a partner's change to its review, refusing what the review does not allow."""
    cycle = (
        ReviewCycle.objects.select_for_update(of=("self",))
        .select_related("pledge__organisation")
        .get(pk=cycle.pk)
    )
    pledge = cycle.pledge
    if not Membership.objects.filter(user=by, organisation=pledge.organisation_id).exists():
        raise NotAllowed(f"Only people at {pledge.organisation} can review its pledge.")
    if cycle.reviewed_at is not None:
        raise NotAllowed("This review has already been submitted. Thank you.")
    # A lapsed partner returns by completing its overdue review.
    if pledge.status not in (Pledge.Status.APPROVED, Pledge.Status.LAPSED):
        raise NotAllowed(
            f"This pledge is {pledge.get_status_display().lower()}, so its actions cannot be reviewed."
        )
    return cycle


def save_action_progress(
    *, cycle: ReviewCycle, number: int, by: User, progress: str, what_happened: str, what_helped: str = ""
) -> Action:
    """Save (as a draft) the progress of the cycle's action `number`."""
    with transaction.atomic():
        cycle = _lock_open_cycle(cycle=cycle, by=by)
        action = cycle.actions.get(number=number)
        action.progress = progress
        action.what_happened = what_happened
        action.what_helped = what_helped
        action.save(update_fields=["progress", "what_happened", "what_helped", "updated_at"])
    return action


def save_review_message(*, cycle: ReviewCycle, by: User, message: str) -> ReviewCycle:
    """Save (as a draft) what the partner wants to tell the programme team."""
    with transaction.atomic():
        cycle = _lock_open_cycle(cycle=cycle, by=by)
        cycle.message_to_team = message
        cycle.save(update_fields=["message_to_team"])
    return cycle


def save_show_progress(*, cycle: ReviewCycle, by: User, show_progress: bool) -> ReviewCycle:
    with transaction.atomic():
        cycle = _lock_open_cycle(cycle=cycle, by=by)
        cycle.show_progress = show_progress
        cycle.save(update_fields=["show_progress"])
    return cycle


def save_next_action(
    *,
    cycle: ReviewCycle,
    by: User,
    number: int,
    theme: ActionTheme,
    title: str,
    description: str,
    is_continuing: bool,
    commitments: Iterable[Commitment],
    target_date: datetime.date | None = None,
) -> Action:
    """Save (as a draft, with no cycle yet) the partner's action `number` for the coming year."""
    with transaction.atomic():
        cycle = _lock_open_cycle(cycle=cycle, by=by)
        return _write_draft_action(
            pledge=cycle.pledge,
            number=number,
            theme=theme,
            title=title,
            description=description,
            is_continuing=is_continuing,
            commitments=commitments,
            target_date=target_date,
        )


def continue_action(*, cycle: ReviewCycle, number: int, by: User) -> Action:
    """Carry the cycle's action `number` into the coming year unchanged: the one-click choice."""
    with transaction.atomic():
        cycle = _lock_open_cycle(cycle=cycle, by=by)
        current = cycle.actions.prefetch_related("commitments").get(number=number)
        return _write_draft_action(
            pledge=cycle.pledge,
            number=number,
            theme=current.theme,
            title=current.title,
            description=current.description,
            is_continuing=True,
            commitments=list(current.commitments.all()),
            target_date=None,  # last year's target has passed; the partner can set a new one
        )


def _write_draft_action(
    *, pledge: Pledge, number: int, commitments: Iterable[Commitment], **fields: Any
) -> Action:
    action, _ = Action.objects.update_or_create(pledge=pledge, cycle=None, number=number, defaults=fields)
    action.commitments.set(commitments)
    return action


def review_answers(cycle: ReviewCycle) -> dict[str, list[Any]]:
    """The partner's answers so far, and the steps (name, action number) still to answer."""
    current = list(cycle.actions.select_related("theme").prefetch_related("commitments").order_by("number"))
    drafts = {
        action.number: action
        for action in Action.objects.filter(pledge=cycle.pledge_id, cycle__isnull=True)
        .select_related("theme")
        .prefetch_related("commitments")
    }
    missing = [("progress", action.number) for action in current if not action.progress] + [
        ("next_action", number) for number in (1, 2) if number not in drafts
    ]
    return {"current_actions": current, "next_actions": [drafts.get(n) for n in (1, 2)], "missing": missing}


def next_due_on(cycle: ReviewCycle) -> datetime.date:
    """When the cycle after `cycle` is due: a year on, counted from the pledge's signing.

    Counting from the due date, never from the day of the review, stops cycles
    drifting; counting from the signing date keeps a 29 February anniversary on
    29 February in leap years (relativedelta gives 28 February in others).
    """
    signed_on = cycle.pledge.signed_on
    if signed_on and signed_on + relativedelta(years=cycle.number) == cycle.due_on:
        return signed_on + relativedelta(years=cycle.number + 1)
    return cycle.due_on + relativedelta(months=12)


def record_review(*, cycle: ReviewCycle, by: User) -> ReviewCycle:
    """Submit the cycle's review: complete it, start the next cycle with the two new actions.

    Early reviews are welcome; the reminders for the cycle stop because it is reviewed.
    A lapsed pledge is approved again: the partner returns, and its history keeps the gap.
    """
    with transaction.atomic():
        cycle = _lock_open_cycle(cycle=cycle, by=by)
        pledge = cycle.pledge
        if pledge.status == Pledge.Status.LAPSED:
            pledge = _return_after_lapse(pledge=pledge, by=by)
        answers = review_answers(cycle)
        missing_steps = {step for step, _ in answers["missing"]}
        if "progress" in missing_steps:
            raise NotAllowed("Tell us how each action went before you submit the review.")
        if "next_action" in missing_steps:
            raise NotAllowed("Set your two actions for the coming year before you submit the review.")
        next_actions = answers["next_actions"]
        cycle.show_progress = cycle.shows_progress
        cycle.reviewed_at = timezone.now()
        cycle.reviewed_by = by
        cycle.save(update_fields=["reviewed_at", "reviewed_by", "show_progress"])
        next_cycle = ReviewCycle.objects.create(
            pledge=pledge, number=cycle.number + 1, starts_on=cycle.due_on, due_on=next_due_on(cycle)
        )
        Action.objects.filter(pk__in=[action.pk for action in next_actions]).update(cycle=next_cycle)
        record_event(
            pledge=pledge,
            kind=PledgeEvent.Kind.REVIEWED,
            actor=by,
            note=f"Year {cycle.number} reviewed. Year {next_cycle.number} is due on "
            f"{date_format(next_cycle.due_on, 'j F Y')}.",
        )
        context = {
            "cycle": cycle,
            "next_cycle": next_cycle,
            "next_actions": next_actions,
            "pledge": pledge,
            "organisation": pledge.organisation,
            "reviewed_by": by,
            "returned": pledge.status != cycle.pledge.status,
        }
        for to in emails_of(_people_of(pledge)):
            queue_templated_email(to=to, template="review_thank_you", context=context, about=pledge)
        queue_templated_email(
            to=settings.PROGRAMME_TEAM_EMAIL,
            template="review_recorded_team",
            context={
                **context,
                "annual_review_url": settings.SITE_URL
                + reverse("team:annual_review", kwargs={"cycle_id": cycle.pk}),
            },
            about=pledge,
        )
        pledge_changed.send(sender=Pledge, pledge=pledge)
    return next_cycle


def _return_after_lapse(*, pledge: Pledge, by: User) -> Pledge:
    pledge = Pledge.objects.select_for_update(of=("self",)).get(pk=pledge.pk)
    if has_live_pledge(organisation=pledge.organisation_id):
        raise NotAllowed(
            f"{pledge.organisation} has started another pledge, so this one cannot return. "
            "Write to the programme team if you need help."
        )
    change_status(
        pledge=pledge,
        to=Pledge.Status.APPROVED,
        by=by,
        kind=PledgeEvent.Kind.RETURNED,
        allowed_from=(Pledge.Status.LAPSED,),
        note="Returned by completing the overdue annual review.",
    )
    return pledge


def acknowledge_review(*, cycle: ReviewCycle, by: User, message: str = "") -> ReviewCycle:
    """The programme team thanks the partner for a submitted review, with an optional message."""
    with transaction.atomic():
        cycle = (
            ReviewCycle.objects.select_for_update(of=("self",))
            .select_related("pledge__organisation")
            .get(pk=cycle.pk)
        )
        if not by.is_programme_team:
            raise NotAllowed("Only the programme team can acknowledge a review.")
        if cycle.reviewed_at is None:
            raise NotAllowed("This review has not been submitted yet.")
        if cycle.acknowledged_at is not None:
            raise NotAllowed("This review has already been acknowledged.")
        cycle.acknowledged_at = timezone.now()
        cycle.acknowledged_by = by
        cycle.acknowledgement_message = message
        cycle.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_message"])
        pledge = cycle.pledge
        record_event(pledge=pledge, kind=PledgeEvent.Kind.REVIEW_ACKNOWLEDGED, actor=by, note=message)
        context = {"cycle": cycle, "pledge": pledge, "organisation": pledge.organisation, "message": message}
        for to in emails_of(_people_of(pledge)):
            queue_templated_email(to=to, template="review_acknowledged", context=context, about=pledge)
    return cycle


def _people_of(pledge: Pledge) -> QuerySet[Membership]:
    """Whom a partner's emails about `pledge` go to: the people of its period, even once it has ended."""
    return (
        Membership.objects.filter(organisation=pledge.organisation_id)
        .of_period_at(pledge.created_at)
        .people()
    )
