"""The building blocks every pledge service shares: moving a status, refusing a move, the audit trail."""

from collections.abc import Mapping, Sequence

from django.utils import timezone

from accounts.models import User
from organisations.services.contacts import end_periods
from pledge_portal.errors import NotAllowed
from pledges.models import Pledge, PledgeEvent


def record_event(
    *,
    pledge: Pledge,
    kind: PledgeEvent.Kind,
    actor: User | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> PledgeEvent:
    return PledgeEvent.objects.create(
        pledge=pledge,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def change_status(
    *,
    pledge: Pledge,
    to: Pledge.Status,
    by: User | None,
    kind: PledgeEvent.Kind,
    allowed_from: Sequence[Pledge.Status],
    note: str = "",
    error: str = "",
) -> PledgeEvent:
    """Move a locked pledge to `to` and record the event; refuse if it is not in `allowed_from`.

    Callers lock the row first (select_for_update) so two people acting at once
    produce one change, and set any timestamps of their own before saving.
    """
    _refuse_unless_allowed(pledge=pledge, allowed_from=allowed_from, error=error)
    from_status = pledge.status
    pledge.status = to
    pledge.save()
    (event,) = _after_changes(changes=[(pledge, from_status, note)], to=to, by=by, kind=kind)
    return event


def change_statuses(
    *,
    pledges: Mapping[Pledge, str],
    to: Pledge.Status,
    by: User | None,
    kind: PledgeEvent.Kind,
    allowed_from: Sequence[Pledge.Status],
) -> list[PledgeEvent]:
    """`change_status` for a batch, in a constant number of queries: `pledges` maps each to its event's note.

    Callers lock the rows first, as for `change_status`. Only the status moves
    (with updated_at); the UPDATE is guarded by `allowed_from` too, so a pledge
    that moved unlocked meanwhile refuses the whole batch rather than being moved twice.
    """
    for pledge in pledges:
        _refuse_unless_allowed(pledge=pledge, allowed_from=allowed_from)
    changes = [(pledge, pledge.status, note) for pledge, note in pledges.items()]
    now = timezone.now()
    moved = Pledge.objects.filter(pk__in=[pledge.pk for pledge in pledges], status__in=allowed_from).update(
        status=to, updated_at=now
    )
    if moved != len(pledges):
        raise NotAllowed("Some of these pledges changed meanwhile, so none of them was changed.")
    for pledge in pledges:
        pledge.status, pledge.updated_at = to, now
    return _after_changes(changes=changes, to=to, by=by, kind=kind)


def _refuse_unless_allowed(*, pledge: Pledge, allowed_from: Sequence[Pledge.Status], error: str = "") -> None:
    if pledge.status not in allowed_from:
        raise NotAllowed(
            error or f"This pledge is {pledge.get_status_display().lower()}, so that cannot be done now."
        )


def _after_changes(
    *, changes: Sequence[tuple[Pledge, str, str]], to: Pledge.Status, by: User | None, kind: PledgeEvent.Kind
) -> list[PledgeEvent]:
    """What follows moving pledges (each with its former status and note) to `to`: periods end, events."""
    if to not in Pledge.LIVE_STATUSES:  # withdrawn, rejected, lapsed: its people's invitations end too
        end_periods(organisations=[pledge.organisation for pledge, _, _ in changes], by=by)
    return PledgeEvent.objects.bulk_create(
        PledgeEvent(pledge=pledge, kind=kind, actor=by, from_status=from_status, to_status=to, note=note)
        for pledge, from_status, note in changes
    )
