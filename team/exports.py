"""CSV exports for evaluation: streamed row by row, RFC 4180, and safe to open in a spreadsheet."""

from django.http import StreamingHttpResponse
from django.utils import timezone

from pledge_portal.csv import csv_line
from pledges.models import Action, Pledge, PledgeEvent

# Rows fetched per query while streaming, so memory stays flat however many rows there are.
CHUNK_SIZE = 500


def stream_csv(*, filename, header, rows):
    """A download streamed as it is written. The byte-order mark makes Excel read it as UTF-8."""

    def lines():
        yield "\ufeff" + csv_line(header)
        for row in rows:
            yield csv_line(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response


def _date(value):
    return value.isoformat() if value else ""


def _datetime(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _yes_no(value):
    return {True: "yes", False: "no"}.get(value, "")


PARTNERS_HEADER = [
    "Pledge reference",
    "Organisation",
    "Kind",
    "Sector",
    "Areas served",
    "Website",
    "Parent organisation",
    "Pledge status",
    "Commitments version",
    "Signatory role",
    "Submitted",
    "Signed on",
    "Withdrawn",
    "Rejection reason",
    "Shows actions",
    "Shows logo",
    "Years started",
]


def partner_rows():
    for pledge in Pledge.objects.for_export().iterator(chunk_size=CHUNK_SIZE):
        organisation = pledge.organisation
        yield [
            pledge.reference,
            organisation.name,
            organisation.get_kind_display(),
            organisation.get_sector_display(),
            "; ".join(area.name for area in organisation.areas.all()),
            organisation.website,
            organisation.parent.name if organisation.parent else "",
            pledge.get_status_display(),
            pledge.version.number,
            pledge.get_signatory_role_display(),
            _datetime(pledge.submitted_at),
            _date(pledge.signed_on),
            _datetime(pledge.withdrawn_at),
            pledge.rejection_reason.label if pledge.rejection_reason else "",
            _yes_no(pledge.show_actions),
            _yes_no(pledge.show_logo),
            pledge.cycle_count,
        ]


ACTIONS_HEADER = [
    "Pledge reference",
    "Organisation",
    "Sector",
    "Pledge status",
    "Year",
    "Year starts",
    "Review due",
    "Reviewed",
    "Action",
    "Theme",
    "Title",
    "Description",
    "Continues existing work",
    "Commitments served",
    "Target date",
    "Progress",
    "What happened",
    "What helped or got in the way",
]


def action_rows():
    for action in Action.objects.for_export().iterator(chunk_size=CHUNK_SIZE):
        pledge, cycle = action.pledge, action.cycle
        yield [
            pledge.reference,
            pledge.organisation.name,
            pledge.organisation.get_sector_display(),
            pledge.get_status_display(),
            cycle.number,
            _date(cycle.starts_on),
            _date(cycle.due_on),
            _datetime(cycle.reviewed_at),
            action.number,
            action.theme.name,
            action.title,
            action.description,
            _yes_no(action.is_continuing),
            "; ".join(str(commitment) for commitment in action.commitments.all()),
            _date(action.target_date),
            action.get_progress_display(),
            action.what_happened,
            action.what_helped,
        ]


DECISIONS_HEADER = ["When", "Pledge reference", "Organisation", "Event", "From", "To", "By", "Note"]


def _actor(event):
    # The partner's own steps name no one: the export is for evaluation, not for tracing people.
    if event.actor_id is None:
        return ""
    if event.actor_id == event.pledge.created_by_id:
        return "Signatory"
    return event.actor.email


def decision_rows():
    statuses = dict(Pledge.Status.choices)
    for event in PledgeEvent.objects.for_export().iterator(chunk_size=CHUNK_SIZE):
        yield [
            _datetime(event.created_at),
            event.pledge.reference,
            event.pledge.organisation.name,
            event.get_kind_display(),
            statuses.get(event.from_status, ""),
            statuses.get(event.to_status, ""),
            _actor(event),
            event.note,
        ]
