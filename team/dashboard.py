"""Figures for the programme team's dashboard: a fixed number of aggregate queries, whatever the size."""

import statistics
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from organisations.models import Area, Organisation
from outbox.models import OutboxEmail
from pledges import calendar
from pledges.models import Action, Commitment, Pledge, PledgeVersion, ReviewCycle


@dataclass
class Row:
    label: str
    count: int
    percent: float = 0  # of the largest count in its table: the bar's length in the chart


@dataclass
class Figure:
    """One table on the dashboard; its chart draws the same rows."""

    slug: str
    title: str
    label_heading: str
    rows: list
    caption: str = ""

    @property
    def total(self):
        return sum(row.count for row in self.rows)


def build_dashboard(*, today=None):
    today = today or timezone.localdate()
    approved = Pledge.objects.filter(status=Pledge.Status.APPROVED)
    by_status = Pledge.objects.count_by_status()
    actions = Action.objects.in_cycles().filter(pledge__status=Pledge.Status.APPROVED)
    commitment_counts = {
        (row["commitments__version_id"], row["commitments__number"]): row["count"]
        for row in actions.count_by("commitments__version_id", "commitments__number")
    }
    version = PledgeVersion.objects.current()
    review_progress = ReviewCycle.objects.progress(on=today)

    figures = [
        Figure(
            "signed-by-month",
            "Partners signed each month",
            "Month",
            _every_month(Pledge.objects.signed_by_month()),
            "Pledges approved in each month, including any withdrawn since.",
        ),
        Figure(
            "by-sector",
            "Partners by sector",
            "Sector",
            _labelled(approved.count_by("organisation__sector"), "organisation__sector", Organisation.Sector),
        ),
        Figure(
            "by-area",
            "Partners by area served",
            "Area",
            _labelled_areas(approved.count_by("organisation__areas")),
            "A partner serving more than one area is counted in each.",
        ),
        Figure(
            "by-kind",
            "Partners by kind of body",
            "Kind",
            _labelled(approved.count_by("organisation__kind"), "organisation__kind", Organisation.Kind),
        ),
        Figure(
            "by-status",
            "Pledges by status",
            "Status",
            [Row(label, by_status.get(value, 0)) for value, label in Pledge.Status.choices],
        ),
        Figure(
            "actions-by-theme",
            "Current partners' actions by theme",
            "Theme",
            [
                Row(row["theme__name"], row["count"])
                for row in actions.count_by("theme__position", "theme__name")
            ],
            "Every action in every year of each approved pledge.",
        ),
        Figure(
            "actions-by-commitment",
            "Current partners' actions by commitment served",
            "Commitment",
            [
                Row(str(commitment), commitment_counts.get((commitment.version_id, commitment.number), 0))
                for commitment in (
                    Commitment.objects.filter(version=version) if version else Commitment.objects.none()
                )
            ],
            "An action can serve more than one commitment.",
        ),
        Figure(
            "annual-reviews",
            "Annual reviews of approved pledges",
            "Review",
            [
                Row("Done", review_progress["done"]),
                Row(f"Due in the next {calendar.due_soon_days()} days", review_progress["due"]),
                Row("Overdue", review_progress["overdue"]),
                Row("Not yet due", review_progress["upcoming"]),
            ],
        ),
    ]
    for figure in figures:
        _scale(figure.rows)
    return {
        "partners_signed": by_status.get(Pledge.Status.APPROVED, 0),
        "waiting": by_status.get(Pledge.Status.SUBMITTED, 0),
        "median_days_to_decision": median_days_to_decision(),
        "failed_emails": OutboxEmail.objects.failed().count(),
        "figures": figures,
    }


def median_days_to_decision():
    """Median days from a pledge's first submission to the team's first decision on it, or None."""
    days = [
        (decided - submitted).total_seconds() / 86400
        for submitted, decided in Pledge.objects.first_decision_times()
    ]
    return round(statistics.median(days), 1) if days else None


def _every_month(rows):
    """One row per month from the first signing to the last, including months with none."""
    counts = {row["month"]: row["count"] for row in rows}
    if not counts:
        return []
    month, last = min(counts), max(counts)
    result = []
    while month <= last:
        result.append(Row(month.strftime("%B %Y"), counts.get(month, 0)))
        month += relativedelta(months=1)
    return result


def _labelled(rows, field, choices):
    counts = {row[field]: row["count"] for row in rows}
    return [Row(label, counts.get(value, 0)) for value, label in choices.choices]


def _labelled_areas(rows):
    counts = {row["organisation__areas"]: row["count"] for row in rows}
    return [Row(area.name, counts.get(area.pk, 0)) for area in Area.objects.all()]


def _scale(rows):
    largest = max((row.count for row in rows), default=0)
    for row in rows:
        row.percent = round(100 * row.count / largest, 1) if largest else 0
