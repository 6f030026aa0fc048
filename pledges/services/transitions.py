"""The building blocks every pledge service shares: moving a status, refusing a move, the audit trail."""

from collections.abc import Sequence

from accounts.models import User
from organisations.services import end_period
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
    if pledge.status not in allowed_from:
        raise NotAllowed(
            error or f"This pledge is {pledge.get_status_display().lower()}, so that cannot be done now."
        )
    from_status = pledge.status
    pledge.status = to
    pledge.save()
    if to not in Pledge.LIVE_STATUSES:  # withdrawn, rejected, lapsed: its people's invitations end too
        end_period(organisation=pledge.organisation, by=by)
    return record_event(pledge=pledge, kind=kind, actor=by, from_status=from_status, to_status=to, note=note)
