"""The programme team's decisions on a pledge: approve, ask for changes, reject, withdraw, reinstate."""

from collections.abc import Mapping
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.models import User
from organisations.models import Membership, emails_of
from outbox.services import queue_templated_email
from pledge_portal.errors import NotAllowed
from pledges import calendar
from pledges.answers import answers_of
from pledges.models import DECISIONS, Pledge, PledgeEvent, RejectionReason, ReviewCycle
from pledges.selectors import has_live_pledge
from pledges.services.transitions import change_status, record_event
from pledges.signals import pledge_changed


def approve_pledge(*, pledge: Pledge, by: User, note: str = "") -> PledgeEvent:
    """Approve a submitted pledge: it is signed today, its first year starts with its two actions,
    it joins the public directory, and the signatory is told."""
    with transaction.atomic():
        pledge = _lock_for_decision(pledge=pledge, by=by, decision="approve")
        draft_actions = pledge.actions.filter(cycle__isnull=True)
        if draft_actions.count() != 2:
            raise NotAllowed("This pledge does not have its two actions, so it cannot be approved.")
        pledge.approved_at = timezone.now()
        pledge.signed_on = timezone.localdate(pledge.approved_at)
        event = change_status(
            pledge=pledge,
            to=Pledge.Status.APPROVED,
            by=by,
            kind=PledgeEvent.Kind.APPROVED,
            allowed_from=DECISIONS["approve"],
            note=note,
        )
        cycle = ReviewCycle.objects.create(
            pledge=pledge,
            number=1,
            starts_on=pledge.signed_on,
            due_on=pledge.signed_on + relativedelta(months=12),
        )
        draft_actions.update(cycle=cycle)
        _email_signatory(pledge=pledge, template="pledge_approved", context={"cycle": cycle})
        pledge_changed.send(sender=Pledge, pledge=pledge)
    return event


def request_changes(*, pledge: Pledge, by: User, message: str) -> PledgeEvent:
    """Send a submitted pledge back to its signatory with a message saying what to change."""
    message = message.strip()
    if not message:
        raise NotAllowed("Write a message to the signatory saying what to change.")
    with transaction.atomic():
        pledge, event = _decide(
            pledge=pledge,
            by=by,
            decision="request_changes",
            to=Pledge.Status.CHANGES_REQUESTED,
            kind=PledgeEvent.Kind.CHANGES_REQUESTED,
            note=message,
            changes_requested_message=message,
            changes_requested_at=timezone.now(),
        )
        # Kept so that, on resubmission, the team sees what changed since they asked.
        event.answers = answers_of(pledge)
        event.save(update_fields=["answers"])
        _email_signatory(pledge=pledge, template="pledge_changes_requested", context={"message": message})
    return event


def reject_pledge(*, pledge: Pledge, by: User, reason: RejectionReason | None, note: str = "") -> PledgeEvent:
    """Turn down a submitted pledge for a coded reason, with an optional note to the signatory."""
    if reason is None or not reason.is_active:
        raise NotAllowed("Choose a reason for not approving this pledge.")
    note = note.strip()
    with transaction.atomic():
        pledge, event = _decide(
            pledge=pledge,
            by=by,
            decision="reject",
            to=Pledge.Status.REJECTED,
            kind=PledgeEvent.Kind.REJECTED,
            note=f"{reason.label}: {note}" if note else reason.label,
            rejection_reason=reason,
            rejected_at=timezone.now(),
        )
        _email_signatory(pledge=pledge, template="pledge_rejected", context={"reason": reason, "note": note})
    return event


def withdraw_pledge(*, pledge: Pledge, by: User, reason: str) -> PledgeEvent:
    """The programme team withdraws an approved pledge (for example, at the partner's request)."""
    reason = _required_reason(reason)
    with transaction.atomic():
        pledge = _lock_for_decision(pledge=pledge, by=by, decision="withdraw")
        return _withdraw(pledge=pledge, by=by, reason=reason, by_partner=False)


def withdraw_own_pledge(*, pledge: Pledge, by: User, reason: str) -> PledgeEvent:
    """A member of the partner withdraws its approved pledge from "Your pledge"."""
    reason = _required_reason(reason)
    with transaction.atomic():
        locked = Pledge.objects.for_member(by).select_for_update(of=("self",)).filter(pk=pledge.pk).first()
        if locked is None:
            raise NotAllowed(f"Only people at {pledge.organisation} can withdraw its pledge.")
        _refuse_unless_allowed(pledge=locked, decision="withdraw")
        return _withdraw(pledge=locked, by=by, reason=reason, by_partner=True)


def reinstate_pledge(*, pledge: Pledge, by: User, note: str = "") -> PledgeEvent:
    """Return a withdrawn or lapsed pledge to the directory, unless its organisation has another live pledge.

    A lapsed pledge's overdue review gets LAPSE_AFTER_DAYS more from today, so it does not lapse at once.
    """
    with transaction.atomic():
        pledge = _lock_for_decision(pledge=pledge, by=by, decision="reinstate")
        if has_live_pledge(organisation=pledge.organisation_id):
            raise NotAllowed(_ANOTHER_LIVE_PLEDGE)
        pledge.withdrawn_at = None
        context = {}
        if pledge.status == Pledge.Status.LAPSED:
            cycle = pledge.cycles.select_for_update().filter(reviewed_at__isnull=True).first()
            if cycle is not None:
                cycle.more_time_until = calendar.more_time_on_reinstatement(on=timezone.localdate())
                cycle.save(update_fields=["more_time_until"])
                context = {"cycle": cycle, "review_due_by": cycle.more_time_until}
        try:
            # A savepoint: a pledge started at this very moment still trips the constraint.
            with transaction.atomic():
                event = change_status(
                    pledge=pledge,
                    to=Pledge.Status.APPROVED,
                    by=by,
                    kind=PledgeEvent.Kind.REINSTATED,
                    allowed_from=DECISIONS["reinstate"],
                    note=note.strip(),
                )
        except IntegrityError as exc:
            raise NotAllowed(_ANOTHER_LIVE_PLEDGE) from exc
        _email_signatory(pledge=pledge, template="pledge_reinstated", context=context)
        pledge_changed.send(sender=Pledge, pledge=pledge)
    return event


def add_internal_note(*, pledge: Pledge, by: User, note: str) -> PledgeEvent:
    """A note for the programme team only: never shown to the partner or emailed."""
    _refuse_unless_programme_team(by)
    note = note.strip()
    if not note:
        raise NotAllowed("Write the note before saving it.")
    return record_event(pledge=pledge, kind=PledgeEvent.Kind.NOTE, actor=by, note=note)


_ANOTHER_LIVE_PLEDGE = (
    "This organisation has another pledge in progress or approved, so this one cannot be reinstated. "
    "Withdraw or finish that pledge first."
)


def _refuse_unless_programme_team(by: User) -> None:
    # The views send anyone else away first; the service refuses them too, whoever calls it.
    if not by.is_programme_team:
        raise NotAllowed("Only the programme team can decide on pledges and add notes to them.")


def _decide(*, pledge, by, decision, to, kind, note, **fields) -> tuple[Pledge, PledgeEvent]:
    """Lock `pledge` for the team's `decision`, set `fields` on it, and move it to status `to` with an
    event of `kind`: the locked pledge and the event."""
    pledge = _lock_for_decision(pledge=pledge, by=by, decision=decision)
    for name, value in fields.items():
        setattr(pledge, name, value)
    event = change_status(pledge=pledge, to=to, by=by, kind=kind, allowed_from=DECISIONS[decision], note=note)
    return pledge, event


def _lock_for_decision(*, pledge: Pledge, by: User, decision: str) -> Pledge:
    """Lock the pledge for a team decision; refuse anyone outside the programme team, a pledge
    that has moved on since the team member loaded it, or one they signed themselves."""
    _refuse_unless_programme_team(by)
    pledge = (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("organisation", "created_by")
        .get(pk=pledge.pk)
    )
    _refuse_unless_allowed(pledge=pledge, decision=decision)
    if pledge.created_by_id == by.pk:
        raise NotAllowed(
            "You signed this pledge yourself, so another member of the programme team needs to decide it."
        )
    return pledge


def _refuse_unless_allowed(*, pledge: Pledge, decision: str) -> None:
    """Say who got there first: two team members deciding at once see one decision, not an error."""
    if decision in pledge.decisions_allowed:
        return
    latest = pledge.events.status_changes().select_related("actor").order_by("-created_at", "-pk").first()
    if latest is None or latest.to_status != pledge.status:
        raise NotAllowed(f"This pledge is {pledge.get_status_display().lower()}, so that cannot be done now.")
    who = latest.actor.name_and_email if latest.actor else "the system"
    when = format_date(timezone.localtime(latest.created_at), r"j F Y \a\t H:i")
    raise NotAllowed(f"This pledge was already {latest.get_kind_display().lower()} by {who} at {when}.")


def _required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise NotAllowed("Say why the pledge is being withdrawn.")
    return reason


def _withdraw(*, pledge: Pledge, by: User, reason: str, by_partner: bool) -> PledgeEvent:
    pledge.withdrawn_at = timezone.now()
    event = change_status(
        pledge=pledge,
        to=Pledge.Status.WITHDRAWN,
        by=by,
        kind=PledgeEvent.Kind.WITHDRAWN,
        allowed_from=DECISIONS["withdraw"],
        note=reason,
    )
    context = {"reason": reason, "by_partner": by_partner}
    _email_signatory(pledge=pledge, template="pledge_withdrawn", context=context)
    if by_partner:
        queue_templated_email(
            to=settings.PROGRAMME_TEAM_EMAIL,
            template="team_pledge_withdrawn",
            context={
                "pledge": pledge,
                "organisation": pledge.organisation,
                "reason": reason,
                "by": by,
                "decision_url": settings.SITE_URL + reverse("team:pledge", args=[pledge.pk]),
            },
            about=pledge,
        )
    pledge_changed.send(sender=Pledge, pledge=pledge)
    return event


def _email_signatory(*, pledge: Pledge, template: str, context: Mapping[str, Any]) -> None:
    """Email whoever signed; if they have closed their account, the people of the pledge's period instead."""
    if pledge.created_by is not None:
        addresses = [pledge.created_by.email]
    else:
        people = Membership.objects.filter(organisation=pledge.organisation).of_period_at(pledge.created_at)
        addresses = emails_of(people.people())
    for address in addresses:
        queue_templated_email(
            to=address,
            template=template,
            context={"pledge": pledge, "organisation": pledge.organisation, **context},
            about=pledge,
        )
