"""Writes for pledges: every state change, its audit event, and the emails it causes.

Each service takes keyword arguments, runs in one transaction, checks the
change is allowed, records a PledgeEvent and queues emails (in the outbox, in
the same transaction) whose sending is enqueued only after commit.
"""

import logging

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import date_format

from organisations.models import Membership
from organisations.services import schedule_directory_render

from .models import Action, OutboxEmail, Pledge, PledgeEvent, PledgeVersion, Reminder, ReviewCycle
from .outbox import queue_emails, queue_templated_email, render_email

logger = logging.getLogger(__name__)


class PledgeStateError(Exception):
    """A change the pledge's current state does not allow. The message is shown to people."""


# Shared building blocks ------------------------------------------------------


def record_event(*, pledge, kind, actor=None, from_status="", to_status="", note=""):
    return PledgeEvent.objects.create(
        pledge=pledge,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def change_status(*, pledge, to, by, kind, allowed_from, note="", error=""):
    """Move a locked pledge to `to` and record the event; refuse if it is not in `allowed_from`.

    Callers lock the row first (select_for_update) so two people acting at once
    produce one change, and set any timestamps of their own before saving.
    """
    if pledge.status not in allowed_from:
        raise PledgeStateError(
            error or f"This pledge is {pledge.get_status_display().lower()}, so that cannot be done now."
        )
    from_status = pledge.status
    pledge.status = to
    pledge.save()
    return record_event(pledge=pledge, kind=kind, actor=by, from_status=from_status, to_status=to, note=note)


# Signing: drafts and submission (the signing journey) -----------------------


def _lock_editable(pledge):
    """Lock the pledge's row and refuse if it can no longer be edited (e.g. it was just submitted)."""
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if not locked.is_editable:
        raise PledgeStateError(
            f"This pledge is {locked.get_status_display().lower()}, so it cannot be changed now."
        )
    return locked


def start_pledge(*, organisation, by):
    """Start a draft pledge for `organisation`; `by` becomes its signatory member.

    Refused when the organisation already has a live pledge (a draft, one
    waiting for review or changes, or an approved one): the database allows
    only one, and two people racing here get one draft and one clear refusal.
    """
    from organisations.models import Membership

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
            raise PledgeStateError(
                f"{organisation.name} already has a pledge, so a second one cannot be started."
            ) from error
        membership, created = Membership.objects.get_or_create(
            user=by, organisation=organisation, defaults={"role": Membership.Role.SIGNATORY}
        )
        if not created and membership.role != Membership.Role.SIGNATORY:
            membership.role = Membership.Role.SIGNATORY
            membership.save(update_fields=["role"])
        record_event(pledge=pledge, kind=PledgeEvent.Kind.CREATED, actor=by, to_status=pledge.status)
    return pledge


def discard_draft(*, pledge, by):
    """Delete a draft that was never submitted, for example one started for the wrong organisation.

    Nothing of it was ever seen by the programme team or published, so nothing
    is kept. The organisation is free for a new pledge, and the person stops
    being its member unless they have other pledges there.
    """
    from organisations.models import Membership

    with transaction.atomic():
        pledge = Pledge.objects.for_member(by).select_for_update(of=("self",)).get(pk=pledge.pk)
        if pledge.status != Pledge.Status.DRAFT:
            raise PledgeStateError("Only a draft that was never submitted can be deleted.")
        organisation = pledge.organisation
        pledge.delete()
        if not organisation.pledges.filter(created_by=by).exists():
            Membership.objects.filter(user=by, organisation=organisation).delete()
    return organisation


def start_pledge_for_new_organisation(*, by, **details):
    """Add the organisation `by` described and start its draft pledge, together or not at all."""
    from organisations.services import create_organisation

    with transaction.atomic():
        organisation = create_organisation(by=by, **details)
        return start_pledge(organisation=organisation, by=by)


def save_signatory(
    *, pledge, by, signatory_name, signatory_job_title, signatory_role, leader_name="", leader_job_title=""
):
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


def agree_to_commitments(*, pledge, by):
    """Step "The eight commitments": the organisation agrees to all eight, as currently worded.

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


def save_actions(*, pledge, by, actions):
    """Step "Your two actions": `actions` is the cleaned data of action 1 and action 2, in order."""
    with transaction.atomic():
        pledge = _lock_editable(pledge)
        for number, data in enumerate(actions, start=1):
            data = dict(data)
            commitments = data.pop("commitments")
            if any(c.version_id != pledge.version_id for c in commitments):
                raise PledgeStateError("The commitments chosen are not from this pledge's wording.")
            action, _ = Action.objects.update_or_create(
                pledge=pledge, cycle=None, number=number, defaults=data
            )
            action.commitments.set(commitments)
        pledge.save(update_fields=["updated_at"])
    return pledge


def save_publishing_choices(*, pledge, by, publish_actions, show_signatory, show_logo):
    """Step "Publishing choices": what the public directory may show. Nothing is published without them."""
    with transaction.atomic():
        pledge = _lock_editable(pledge)
        pledge.publish_actions = publish_actions
        pledge.show_signatory = show_signatory
        pledge.show_logo = show_logo
        pledge.save()
    return pledge


def names_match(typed, given):
    """Whether a typed name is the given one, ignoring case and spacing."""
    return "".join(typed.split()).casefold() == "".join(given.split()).casefold()


def missing_answers(pledge, *, draft_actions=None, current_version=None):
    """The steps still to answer before `pledge` can be submitted, as (step, message) pairs.

    Pass the pledge's draft actions and the current PledgeVersion when already
    loaded, to save the queries.
    """
    if draft_actions is None:
        draft_actions = list(pledge.actions.filter(cycle__isnull=True))
    if current_version is None:
        current_version = PledgeVersion.objects.current()
    missing = []
    about_you = [pledge.signatory_name, pledge.signatory_job_title, pledge.signatory_role]
    if pledge.signatory_role == Pledge.SignatoryRole.AUTHORISED:
        about_you += [pledge.leader_name, pledge.leader_job_title]
    if not all(about_you):
        missing.append(("about_you", "Tell us about you"))
    if pledge.agreed_to_commitments_at is None:
        missing.append(("commitments", "Agree to the eight commitments"))
    elif pledge.version_id != current_version.pk:
        missing.append(("commitments", "The pledge's wording has been updated: read and agree to it again"))
    if sorted(action.number for action in draft_actions) != [1, 2]:
        missing.append(("actions", "Describe your two actions"))
    if pledge.publish_actions is None or pledge.show_logo is None:
        missing.append(("publishing", "Make your publishing choices"))
    return missing


def submit_pledge(*, pledge, by, declaration_name):
    """Sign and submit a draft (or resubmit after changes were asked for) for the programme team's review.

    The row is locked first, so a double click or the browser's back button
    gives one submission: the second call finds the pledge already submitted
    and is refused. The pledge keeps the wording it was signed against.
    """
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().select_related("organisation").get(pk=pledge.pk)
        allowed_from = Pledge.EDITABLE_STATUSES
        if pledge.status not in allowed_from:
            raise PledgeStateError(
                f"This pledge is {pledge.get_status_display().lower()}, so it cannot be submitted again."
            )
        missing = missing_answers(pledge)
        if missing:
            raise PledgeStateError(
                "Some answers are missing: " + "; ".join(message for _, message in missing) + "."
            )
        if not names_match(declaration_name, pledge.signatory_name):
            raise PledgeStateError("The name typed in the declaration does not match the signatory's name.")
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
            "review_url": settings.SITE_URL + reverse("team:pledge", args=[pledge.pk]),
            "my_pledges_url": settings.SITE_URL + reverse("pledges:my_pledges"),
            "review_target_working_days": settings.REVIEW_TARGET_WORKING_DAYS,
        }
        queue_templated_email(
            to=by.email, template="pledge_submitted_signatory", context=context, pledge=pledge
        )
        queue_templated_email(
            to=settings.PROGRAMME_TEAM_EMAIL, template="pledge_submitted_team", context=context, pledge=pledge
        )
    return pledge


# Programme team decisions: approve, ask for changes, reject, withdraw, notes ---


def approve_pledge(*, pledge, by, note=""):
    """Approve a submitted pledge: it is signed today, its first year starts with its two actions,
    it joins the public directory, and the signatory is told."""
    with transaction.atomic():
        pledge = _lock_for_decision(pledge=pledge, by=by, allowed_from=(Pledge.Status.SUBMITTED,))
        draft_actions = pledge.actions.filter(cycle__isnull=True)
        if draft_actions.count() != 2:
            raise PledgeStateError("This pledge does not have its two actions, so it cannot be approved.")
        pledge.approved_at = timezone.now()
        pledge.signed_on = timezone.localdate(pledge.approved_at)
        event = change_status(
            pledge=pledge,
            to=Pledge.Status.APPROVED,
            by=by,
            kind=PledgeEvent.Kind.APPROVED,
            allowed_from=(Pledge.Status.SUBMITTED,),
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
        schedule_directory_render()
    return event


def request_changes(*, pledge, by, message):
    """Send a submitted pledge back to its signatory with a message saying what to change."""
    message = message.strip()
    if not message:
        raise PledgeStateError("Write a message to the signatory saying what to change.")
    with transaction.atomic():
        pledge = _lock_for_decision(pledge=pledge, by=by, allowed_from=(Pledge.Status.SUBMITTED,))
        pledge.changes_requested_message = message
        pledge.changes_requested_at = timezone.now()
        event = change_status(
            pledge=pledge,
            to=Pledge.Status.CHANGES_REQUESTED,
            by=by,
            kind=PledgeEvent.Kind.CHANGES_REQUESTED,
            allowed_from=(Pledge.Status.SUBMITTED,),
            note=message,
        )
        _email_signatory(pledge=pledge, template="pledge_changes_requested", context={"message": message})
    return event


def reject_pledge(*, pledge, by, reason, note=""):
    """Turn down a submitted pledge for a coded reason, with an optional note to the signatory."""
    if reason is None or not reason.is_active:
        raise PledgeStateError("Choose a reason for not approving this pledge.")
    note = note.strip()
    with transaction.atomic():
        pledge = _lock_for_decision(pledge=pledge, by=by, allowed_from=(Pledge.Status.SUBMITTED,))
        pledge.rejection_reason = reason
        pledge.rejected_at = timezone.now()
        event = change_status(
            pledge=pledge,
            to=Pledge.Status.REJECTED,
            by=by,
            kind=PledgeEvent.Kind.REJECTED,
            allowed_from=(Pledge.Status.SUBMITTED,),
            note=f"{reason.label}: {note}" if note else reason.label,
        )
        _email_signatory(pledge=pledge, template="pledge_rejected", context={"reason": reason, "note": note})
    return event


def withdraw_pledge(*, pledge, by, reason):
    """The programme team withdraws an approved pledge (for example, at the partner's request)."""
    reason = _required_reason(reason)
    with transaction.atomic():
        pledge = _lock_for_decision(pledge=pledge, by=by, allowed_from=(Pledge.Status.APPROVED,))
        return _withdraw(pledge=pledge, by=by, reason=reason, by_partner=False)


def withdraw_own_pledge(*, pledge, by, reason):
    """A member of the partner withdraws its approved pledge from "Your pledge"."""
    reason = _required_reason(reason)
    with transaction.atomic():
        pledge = Pledge.objects.for_member(by).select_for_update(of=("self",)).get(pk=pledge.pk)
        _refuse_unless_in(pledge=pledge, allowed_from=(Pledge.Status.APPROVED,))
        return _withdraw(pledge=pledge, by=by, reason=reason, by_partner=True)


def reinstate_pledge(*, pledge, by, note=""):
    """Return a withdrawn pledge to the directory, unless its organisation has another live pledge."""
    with transaction.atomic():
        pledge = _lock_for_decision(pledge=pledge, by=by, allowed_from=(Pledge.Status.WITHDRAWN,))
        if Pledge.objects.filter(
            organisation_id=pledge.organisation_id, status__in=Pledge.LIVE_STATUSES
        ).exists():
            raise PledgeStateError(_ANOTHER_LIVE_PLEDGE)
        pledge.withdrawn_at = None
        try:
            # A savepoint: a pledge started at this very moment still trips the constraint.
            with transaction.atomic():
                event = change_status(
                    pledge=pledge,
                    to=Pledge.Status.APPROVED,
                    by=by,
                    kind=PledgeEvent.Kind.REINSTATED,
                    allowed_from=(Pledge.Status.WITHDRAWN,),
                    note=note.strip(),
                )
        except IntegrityError as exc:
            raise PledgeStateError(_ANOTHER_LIVE_PLEDGE) from exc
        _email_signatory(pledge=pledge, template="pledge_reinstated", context={})
        schedule_directory_render()
    return event


def add_internal_note(*, pledge, by, note):
    """A note for the programme team only: never shown to the partner or emailed."""
    note = note.strip()
    if not note:
        raise PledgeStateError("Write the note before saving it.")
    return record_event(pledge=pledge, kind=PledgeEvent.Kind.NOTE, actor=by, note=note)


_ANOTHER_LIVE_PLEDGE = (
    "This organisation has another pledge in progress or approved, so this one cannot be reinstated. "
    "Withdraw or finish that pledge first."
)


def _lock_for_decision(*, pledge, by, allowed_from):
    """Lock the pledge; refuse if it has moved on since the reviewer loaded it, or if they signed it."""
    pledge = (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("organisation", "created_by")
        .get(pk=pledge.pk)
    )
    _refuse_unless_in(pledge=pledge, allowed_from=allowed_from)
    if pledge.created_by_id == by.pk:
        raise PledgeStateError(
            "You signed this pledge yourself, so another member of the programme team needs to decide it."
        )
    return pledge


def _refuse_unless_in(*, pledge, allowed_from):
    """Say who got there first: two reviewers deciding at once see one decision, not an error."""
    if pledge.status in allowed_from:
        return
    latest = pledge.events.status_changes().select_related("actor").order_by("-created_at", "-pk").first()
    if latest is None or latest.to_status != pledge.status:
        raise PledgeStateError(
            f"This pledge is {pledge.get_status_display().lower()}, so that cannot be done now."
        )
    who = latest.actor.get_full_name() if latest.actor else "the system"
    when = format_date(timezone.localtime(latest.created_at), r"j F Y \a\t H:i")
    raise PledgeStateError(f"This pledge was already {latest.get_kind_display().lower()} by {who} at {when}.")


def _required_reason(reason):
    reason = reason.strip()
    if not reason:
        raise PledgeStateError("Say why the pledge is being withdrawn.")
    return reason


def _withdraw(*, pledge, by, reason, by_partner):
    pledge.withdrawn_at = timezone.now()
    event = change_status(
        pledge=pledge,
        to=Pledge.Status.WITHDRAWN,
        by=by,
        kind=PledgeEvent.Kind.WITHDRAWN,
        allowed_from=(Pledge.Status.APPROVED,),
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
                "review_url": settings.SITE_URL + reverse("team:pledge", args=[pledge.pk]),
            },
            pledge=pledge,
        )
    schedule_directory_render()
    return event


def _email_signatory(*, pledge, template, context):
    queue_templated_email(
        to=pledge.created_by.email,
        template=template,
        context={"pledge": pledge, "organisation": pledge.organisation, **context},
        pledge=pledge,
    )


# Annual review: reminders, recording a review, acknowledging it ---------------


def reminders_due(*, on):
    """How many cycles each reminder kind would be sent to by a sweep on `on` (for --dry-run)."""
    return {
        kind: ReviewCycle.objects.due_for_reminder(on=on, kind=kind).count() for kind in Reminder.Kind.values
    }


def send_due_reminders(*, on=None, batch_size=None):
    """Record and email every review reminder due on `on` (today) not sent before; counts by kind.

    Safe to run again and at the same time as another sweep: each batch claims
    its cycles with row locks other sweeps skip, the unique (cycle, kind)
    constraint decides which reminders are new, and only those are emailed,
    queued in the outbox in the same transaction that records them.
    """
    on = on or timezone.localdate()
    batch_size = batch_size or settings.REVIEW_REMINDER_BATCH_SIZE
    sent = dict.fromkeys(Reminder.Kind.values, 0)
    for kind in Reminder.Kind.values:
        while True:
            claimed, recorded = _send_reminder_batch(kind=kind, on=on, batch_size=batch_size)
            sent[kind] += recorded
            # A short batch means the rest are done, or locked by a sweep that will do them.
            if claimed < batch_size:
                break
    return sent


def _send_reminder_batch(*, kind, on, batch_size):
    """Claim up to `batch_size` cycles due reminder `kind`, record it and queue the emails."""
    with transaction.atomic():
        claimed = list(
            ReviewCycle.objects.due_for_reminder(on=on, kind=kind)
            .select_related("pledge__organisation")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("due_on", "pk")[:batch_size]
        )
        if not claimed:
            return 0, 0
        recorded = _record_reminders(cycle_ids=[cycle.pk for cycle in claimed], kind=kind)
        cycles = [cycle for cycle in claimed if cycle.pk in recorded]
        prefetch_related_objects(cycles, "actions", _people_prefetch("pledge__organisation__memberships"))
        emails = []
        for cycle in cycles:
            emails.extend(_reminder_emails(cycle=cycle, kind=kind, on=on))
        queue_emails(emails)
    return len(claimed), len(cycles)


def _record_reminders(*, cycle_ids, kind):
    """Insert a Reminder for each cycle; return the ids of cycles whose reminder is new.

    ON CONFLICT DO NOTHING ... RETURNING tells us exactly which rows this call
    inserted, so a reminder another sweep recorded first is never emailed twice.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("cycle_id", "kind", "sent_at"))
    rows = ", ".join(["(%s, %s, %s)"] * len(cycle_ids))
    now = timezone.now()
    params = [value for cycle_id in cycle_ids for value in (cycle_id, kind, now)]
    sql = (
        f"INSERT INTO {quote(Reminder._meta.db_table)} ({columns}) VALUES {rows} "  # noqa: S608 - names are ours
        f"ON CONFLICT ({quote('cycle_id')}, {quote('kind')}) DO NOTHING RETURNING {quote('cycle_id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _people_prefetch(path):
    """Prefetch an organisation's active members (signatory first) with their user, in one query."""
    return Prefetch(
        path,
        queryset=Membership.objects.filter(user__is_active=True).select_related("user").signatory_first(),
        to_attr="people",
    )


def review_url(cycle):
    return settings.SITE_URL + reverse("pledges:review_start", kwargs={"cycle_id": cycle.pk})


def _reminder_emails(*, cycle, kind, on):
    pledge = cycle.pledge
    organisation = pledge.organisation
    people = organisation.people
    context = {
        "kind": kind,
        "cycle": cycle,
        "pledge": pledge,
        "organisation": organisation,
        "people": people,
        "days_overdue": cycle.days_overdue(on=on),
        "review_url": review_url(cycle),
        "team_url": settings.SITE_URL + reverse("team:review_detail", kwargs={"cycle_id": cycle.pk}),
    }
    if kind == Reminder.Kind.ESCALATION:
        recipients = [settings.PROGRAMME_TEAM_EMAIL]
        subject, body = render_email(template="review_escalation", context=context)
    else:
        recipients = _emails_of(people)
        subject, body = render_email(template="review_reminder", context=context)
    return [OutboxEmail(to=to, subject=subject, body_text=body, pledge=pledge) for to in recipients]


def _emails_of(memberships):
    return list(dict.fromkeys(membership.user.email for membership in memberships))


def _lock_open_cycle(*, cycle, by):
    """Lock `cycle` for a partner's change to its review, refusing what the review does not allow."""
    cycle = (
        ReviewCycle.objects.select_for_update(of=("self",))
        .select_related("pledge__organisation")
        .get(pk=cycle.pk)
    )
    pledge = cycle.pledge
    if not Membership.objects.filter(user=by, organisation=pledge.organisation_id).exists():
        raise PledgeStateError(f"Only people at {pledge.organisation} can review its pledge.")
    if cycle.reviewed_at is not None:
        raise PledgeStateError("This review has already been submitted. Thank you.")
    if pledge.status != Pledge.Status.APPROVED:
        raise PledgeStateError(
            f"This pledge is {pledge.get_status_display().lower()}, so its actions cannot be reviewed."
        )
    return cycle


def save_action_progress(*, cycle, number, by, progress, what_happened, what_helped=""):
    """Save (as a draft) the progress of the cycle's action `number`."""
    with transaction.atomic():
        cycle = _lock_open_cycle(cycle=cycle, by=by)
        action = cycle.actions.get(number=number)
        action.progress = progress
        action.what_happened = what_happened
        action.what_helped = what_helped
        action.save(update_fields=["progress", "what_happened", "what_helped", "updated_at"])
    return action


def save_review_message(*, cycle, by, message):
    """Save (as a draft) what the partner wants to tell the programme team."""
    with transaction.atomic():
        cycle = _lock_open_cycle(cycle=cycle, by=by)
        cycle.message_to_team = message
        cycle.save(update_fields=["message_to_team"])
    return cycle


def save_review_publishing(*, cycle, by, publish_progress):
    with transaction.atomic():
        cycle = _lock_open_cycle(cycle=cycle, by=by)
        cycle.publish_progress = publish_progress
        cycle.save(update_fields=["publish_progress"])
    return cycle


def save_next_action(
    *, cycle, by, number, theme, title, description, is_continuing, commitments, target_date=None
):
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


def continue_action(*, cycle, number, by):
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


def _write_draft_action(*, pledge, number, commitments, **fields):
    action, _ = Action.objects.update_or_create(pledge=pledge, cycle=None, number=number, defaults=fields)
    action.commitments.set(commitments)
    return action


def review_answers(cycle):
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


def next_due_on(cycle):
    """When the cycle after `cycle` is due: a year on, counted from the pledge's signing.

    Counting from the due date, never from the day of the review, stops cycles
    drifting; counting from the signing date keeps a 29 February anniversary on
    29 February in leap years (relativedelta gives 28 February in others).
    """
    signed_on = cycle.pledge.signed_on
    if signed_on and signed_on + relativedelta(years=cycle.number) == cycle.due_on:
        return signed_on + relativedelta(years=cycle.number + 1)
    return cycle.due_on + relativedelta(months=12)


def record_review(*, cycle, by):
    """Submit the cycle's review: complete it, start the next cycle with the two new actions.

    Early reviews are welcome; the reminders for the cycle stop because it is reviewed.
    """
    with transaction.atomic():
        cycle = _lock_open_cycle(cycle=cycle, by=by)
        pledge = cycle.pledge
        answers = review_answers(cycle)
        missing_steps = {step for step, _ in answers["missing"]}
        if "progress" in missing_steps:
            raise PledgeStateError("Tell us how each action went before you submit the review.")
        if "next_action" in missing_steps:
            raise PledgeStateError("Set your two actions for the coming year before you submit the review.")
        next_actions = answers["next_actions"]
        if cycle.publish_progress is None:
            cycle.publish_progress = bool(pledge.publish_actions)
        cycle.reviewed_at = timezone.now()
        cycle.reviewed_by = by
        cycle.save(update_fields=["reviewed_at", "reviewed_by", "publish_progress"])
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
            "team_url": settings.SITE_URL + reverse("team:review_detail", kwargs={"cycle_id": cycle.pk}),
        }
        people = Membership.objects.filter(organisation=pledge.organisation_id, user__is_active=True)
        for to in _emails_of(people.select_related("user").signatory_first()):
            queue_templated_email(to=to, template="review_thank_you", context=context, pledge=pledge)
        queue_templated_email(
            to=settings.PROGRAMME_TEAM_EMAIL, template="review_recorded_team", context=context, pledge=pledge
        )
        schedule_directory_render()
    return next_cycle


def acknowledge_review(*, cycle, by, message=""):
    """The programme team thanks the partner for a submitted review, with an optional message."""
    with transaction.atomic():
        cycle = (
            ReviewCycle.objects.select_for_update(of=("self",))
            .select_related("pledge__organisation")
            .get(pk=cycle.pk)
        )
        if not by.is_programme_team:
            raise PledgeStateError("Only the programme team can acknowledge a review.")
        if cycle.reviewed_at is None:
            raise PledgeStateError("This review has not been submitted yet.")
        if cycle.acknowledged_at is not None:
            raise PledgeStateError("This review has already been acknowledged.")
        cycle.acknowledged_at = timezone.now()
        cycle.acknowledged_by = by
        cycle.acknowledgement_message = message
        cycle.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_message"])
        pledge = cycle.pledge
        record_event(pledge=pledge, kind=PledgeEvent.Kind.REVIEW_ACKNOWLEDGED, actor=by, note=message)
        context = {"cycle": cycle, "pledge": pledge, "organisation": pledge.organisation, "message": message}
        people = Membership.objects.filter(organisation=pledge.organisation_id, user__is_active=True)
        for to in _emails_of(people.select_related("user").signatory_first()):
            queue_templated_email(to=to, template="review_acknowledged", context=context, pledge=pledge)
    return cycle
