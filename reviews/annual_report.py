"""The annual programme report: a year's figures, for the public (small numbers hidden) and the team.

Figures only, never a person. A programme year is a calendar year. Each chart is
a few aggregate queries, whatever the number of partners. The public report
counts only actions (and progress) that partners chose to show, and shows
any count below SUPPRESS_BELOW as "fewer than 5", so a small group cannot be
picked out; the programme team sees every figure, beside last year's.

It lives here, above the pledges and reviews it counts and below the two apps that
show it: the directory (the public report) and the team (every figure, and the narrative).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from organisations.models import Area, Organisation
from pledges.models import (
    Action,
    Commitment,
    Pledge,
    PledgeEvent,
    PledgeVersion,
    ReportNarrative,
    ReviewCycle,
)

SUPPRESS_BELOW = 5
SUPPRESSED = "fewer than 5"
# The chart's drawing area, in SVG user units.
CHART_WIDTH = 640
BAR_AREA = 440
ROW_HEIGHT = 54


@dataclass
class Row:
    label: str
    values: list  # one count per column of its chart


@dataclass
class Chart:
    """One figure of the report: a table, and the bar chart that draws its first column."""

    slug: str
    title: str
    label_heading: str
    headings: list
    rows: list
    caption: str = ""
    suppress: bool = True
    unit: str = "partners"

    def shown(self, count):
        """A count as the reader sees it: small ones hidden in the public report."""
        if self.suppress and count < SUPPRESS_BELOW:
            return SUPPRESSED
        return str(count)

    @property
    def table(self):
        return [(row.label, [self.shown(value) for value in row.values]) for row in self.rows]

    @property
    def headline(self):
        """The chart's alt text: what it shows, in one sentence, without revealing a hidden count."""
        counts = [row.values[0] for row in self.rows]
        if not any(counts):
            return f"{self.title}: none yet."
        top = max(self.rows, key=lambda row: row.values[0])
        if self.shown(top.values[0]) == SUPPRESSED:
            return f"{self.title}: every group has {SUPPRESSED}."
        return f"{self.title}: the largest is {top.label}, with {top.values[0]} {self.unit}."

    @property
    def bars(self):
        """(y, label, width, value) for each row; a hidden count draws no bar, only its words."""
        visible = [row.values[0] for row in self.rows if self.shown(row.values[0]) != SUPPRESSED]
        largest = max(visible, default=0)
        return [
            {
                "y": index * ROW_HEIGHT,
                "label": row.label if len(row.label) <= 80 else row.label[:79] + "…",
                "width": round(BAR_AREA * row.values[0] / largest)
                if largest and self.shown(row.values[0]) != SUPPRESSED
                else 0,
                "value": self.shown(row.values[0]),
            }
            for index, row in enumerate(self.rows)
        ]

    @property
    def height(self):
        return max(len(self.rows), 1) * ROW_HEIGHT

    @property
    def width(self):
        return CHART_WIDTH


@dataclass
class Report:
    year: int
    suppress: bool
    totals: list = field(default_factory=list)  # (label, value shown)
    charts: list = field(default_factory=list)
    narrative: str = ""

    def chart(self, slug):
        return next((chart for chart in self.charts if chart.slug == slug), None)


def report_years(*, today=None):
    """The programme years there is something to report on: from the first signing to this year."""
    today = today or timezone.localdate()
    first = _signed().filter(signed__isnull=False).order_by("signed").values_list("signed", flat=True).first()
    if first is None:
        return [today.year]
    return list(range(today.year, first.year - 1, -1))


def build_report(*, year, public=True):
    """The report for programme year `year`: when `public`, suppressed and only what partners show."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    signed = _signed().filter(signed__lte=end)
    new = signed.filter(signed__gte=start)
    reviews = _reviews(start, end)
    actions = (Action.objects.shown() if public else Action.objects.in_cycles()).filter(
        cycle__starts_on__range=(start, end)
    )
    last_year = (Action.objects.shown() if public else Action.objects.in_cycles()).filter(
        cycle__starts_on__year=year - 1, cycle__reviewed_at__isnull=False
    )
    if public:
        last_year = last_year.filter(cycle__show_progress=True)

    charts = [
        _breakdown(
            "partners-by-sector",
            "Partners by sector",
            "Sector",
            signed,
            new,
            "organisation__sector",
            list(Organisation.Sector.choices),
        ),
        _breakdown(
            "partners-by-area",
            "Partners by area served",
            "Area",
            signed,
            new,
            "organisation__areas",
            [(area.pk, area.name) for area in Area.objects.all()],
            caption="A partner serving more than one area is counted in each.",
        ),
        _breakdown(
            "partners-by-kind",
            "Partners by kind of body",
            "Kind",
            signed,
            new,
            "organisation__kind",
            list(Organisation.Kind.choices),
        ),
        Chart(
            "annual-reviews",
            f"Annual reviews due in {year}",
            "Review",
            ["Reviews"],
            [
                Row("Completed on time", [reviews["on_time"]]),
                Row("Completed late", [reviews["done"] - reviews["on_time"]]),
                Row("Not completed yet", [reviews["due"] - reviews["done"]]),
            ],
            unit="reviews",
        ),
        Chart(
            "actions-by-theme",
            f"Actions for {year} by theme",
            "Theme",
            ["Actions"],
            [
                Row(row["theme__name"], [row["count"]])
                for row in actions.count_by("theme__position", "theme__name")
            ],
            "Actions whose year began in "
            + str(year)
            + ("; only those partners chose to publish." if public else "."),
            unit="actions",
        ),
        _actions_by_commitment(actions, year=year, public=public),
        Chart(
            "progress-last-year",
            f"Progress on the actions for {year - 1}",
            "Progress",
            ["Actions"],
            _progress_rows(last_year),
            "As partners said at their annual review"
            + (", where they chose to publish their progress." if public else "."),
            unit="actions",
        ),
        _retention(year=year, start=start, end=end),
    ]
    for chart in charts:
        chart.suppress = public
    report = Report(year=year, suppress=public, charts=charts, totals=report_totals(year=year, public=public))
    narrative = ReportNarrative.objects.filter(year=year).first()
    report.narrative = narrative.text if narrative else ""
    return report


def report_totals(*, year, public=True):
    """The year's headline figures, as (label, value shown): two queries."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    totals = (
        _signed()
        .filter(signed__lte=end)
        .aggregate(total=Count("pk"), new=Count("pk", filter=Q(signed__gte=start)))
    )
    reviews = _reviews(start, end)
    return [
        ("Partners signed by the end of the year", _shown(totals["total"], public)),
        (f"New partners in {year}", _shown(totals["new"], public)),
        (f"Annual reviews due in {year}", _shown(reviews["due"], public)),
        ("Share of those completed on time", _share(reviews["on_time"], reviews["due"], public)),
    ]


def compare_totals(*, year):
    """The team's headline figures for `year` beside the year before's, unsuppressed: for the dashboard."""
    return [
        (label, value, before)
        for (label, value), (_, before) in zip(
            report_totals(year=year, public=False), report_totals(year=year - 1, public=False), strict=True
        )
    ]


def compare(report, previous):
    """The team's view: each chart with last year's figures beside this year's."""
    for chart in report.charts:
        before = previous.chart(chart.slug)
        earlier = {row.label: row.values[0] for row in before.rows} if before else {}
        chart.headings = [f"{chart.headings[0]}, {report.year}", f"{chart.headings[0]}, {previous.year}"]
        for row in chart.rows:
            row.values = [row.values[0], earlier.get(row.label, 0)]
    report.totals = [
        (label, value, before_value)
        for (label, value), (_, before_value) in zip(report.totals, previous.totals, strict=True)
    ]
    return report


def _signed():
    """Pledges ever approved, with `signed`: the day they were signed."""
    return Pledge.objects.filter(approved_at__isnull=False).annotate(
        signed=Coalesce("signed_on", TruncDate("approved_at"))
    )


def _reviews(start, end):
    return ReviewCycle.objects.filter(due_on__range=(start, end)).aggregate(
        due=Count("pk"),
        done=Count("pk", filter=Q(reviewed_at__isnull=False)),
        on_time=Count("pk", filter=Q(reviewed_at__date__lte=F("due_on"))),
    )


def _breakdown(slug, title, heading, signed, new, field_name, choices, caption=""):
    totals = {row[field_name]: row["count"] for row in signed.count_by(field_name)}
    news = {row[field_name]: row["count"] for row in new.count_by(field_name)}
    return Chart(
        slug,
        title,
        heading,
        ["Signed by the end of the year", "New this year"],
        [Row(label, [totals.get(value, 0), news.get(value, 0)]) for value, label in choices],
        caption or "Every partner signed by the end of the year, including any that left since.",
    )


def _actions_by_commitment(actions, *, year, public):
    counts = {row["commitments__number"]: row["count"] for row in actions.count_by("commitments__number")}
    version = PledgeVersion.objects.current()
    commitments = Commitment.objects.filter(version=version) if version else Commitment.objects.none()
    return Chart(
        "actions-by-commitment",
        f"Actions for {year} by commitment served",
        "Commitment",
        ["Actions"],
        [Row(str(commitment), [counts.get(commitment.number, 0)]) for commitment in commitments],
        "An action can serve more than one commitment.",
        unit="actions",
    )


def _progress_rows(actions):
    counts = {row["progress"]: row["count"] for row in actions.count_by("progress")}
    return [Row(label, [counts.get(value, 0)]) for value, label in Action.Progress.choices]


def _retention(*, year, start, end):
    """Partners signed before the year: how many carried on through it, lapsed or withdrew during it."""

    def ended(kinds, **when):
        return Exists(PledgeEvent.objects.filter(pledge=OuterRef("pk"), kind__in=kinds, **when))

    figures = (
        _signed()
        .filter(signed__lt=start)
        .annotate(
            withdrew_in_year=ended([PledgeEvent.Kind.WITHDRAWN], created_at__date__range=(start, end)),
            lapsed_in_year=ended([PledgeEvent.Kind.LAPSED], created_at__date__range=(start, end)),
            left_before=ended(
                [PledgeEvent.Kind.WITHDRAWN, PledgeEvent.Kind.LAPSED], created_at__date__lt=start
            ),
        )
        .aggregate(
            withdrawn=Count("pk", filter=Q(withdrew_in_year=True)),
            lapsed=Count("pk", filter=Q(lapsed_in_year=True, withdrew_in_year=False)),
            continued=Count("pk", filter=Q(withdrew_in_year=False, lapsed_in_year=False, left_before=False)),
        )
    )
    return Chart(
        "retention",
        f"Partners signed before {year}: who carried on",
        "Partners",
        ["Partners"],
        [
            Row("Continued", [figures["continued"]]),
            Row("Lapsed", [figures["lapsed"]]),
            Row("Withdrew", [figures["withdrawn"]]),
        ],
        "Partners that had signed before the year began, and what happened to their pledge during it.",
    )


def _shown(count, suppress):
    return SUPPRESSED if suppress and count < SUPPRESS_BELOW else str(count)


def _share(part, whole, suppress):
    if not whole:
        return "None due"
    # A share of a small count would give the count away.
    if suppress and (part < SUPPRESS_BELOW or whole < SUPPRESS_BELOW):
        return f"Not shown ({SUPPRESSED})"
    return f"{round(100 * part / whole)}%"
