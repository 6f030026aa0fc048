"""The actions library: every action partners show, as a row of the directory's snapshot, and its open data.

Only reads and computes, then writes rows into a snapshot the build is
writing (or rewrites one partner's rows). It shows what the directory's
partner pages show and nothing more: actions of approved pledges whose
partner chose to show them, progress and the partner's words only from
reviewed years whose progress the partner chose to show, and never a
message to the programme team or anything about a person.
"""

import json
from collections import defaultdict

from django.conf import settings
from django.db import connection
from django.urls import reverse

from organisations.models import Area, Organisation
from pledge_portal.csv import csv_line
from pledges.models import Action, ActionTheme, Commitment, Pledge

from . import writing
from .build import CURRENT, REVIEWED, STATUS_LABELS
from .models import LibraryAction, search_key

# Partners whose rows are built at a time.
PARTNER_CHUNK_SIZE = 2000
# Rows read at a time when writing the open-data files.
CHUNK_SIZE = 2000
ID_PLACEHOLDER = 999999999
SLUG_PLACEHOLDER = "partner-slug"

# How far an action has come, for "Most progress": unknown progress sorts last.
PROGRESS_RANK = {
    Action.Progress.COMPLETED: 4,
    Action.Progress.ONGOING: 4,
    Action.Progress.IN_PROGRESS: 3,
    Action.Progress.NOT_STARTED: 1,
    CURRENT: 0,
    REVIEWED: 0,
}

LIBRARY_CSV_HEADER = [
    "id",
    "url",
    "story_id",
    "partner_name",
    "partner_slug",
    "partner_url",
    "sector",
    "year",
    "cycle",
    "number",
    "title",
    "description",
    "theme",
    "commitments",
    "is_continuing",
    "progress",
    "what_happened",
    "what_helped",
]
# What the open-data files read from each row.
FILE_FIELDS = (
    "action_id",
    "story_id",
    "partner_name",
    "partner_slug",
    "sector",
    "year",
    "cycle",
    "number",
    "title",
    "description",
    "theme_name",
    "commitments",
    "is_continuing",
    "progress",
    "what_happened",
    "what_helped",
)


def build_library_rows(*, organisation_ids=None):
    """The library's rows (as dicts) for every listed partner, or only for `organisation_ids`.

    Yielded a chunk of partners at a time, so memory stays flat however many there are.
    """
    pledges = Pledge.objects.in_directory().filter(show_actions=True)
    if organisation_ids is not None:
        pledges = pledges.filter(organisation_id__in=organisation_ids)
    pledge_ids = list(pledges.order_by("id").values_list("id", flat=True))
    area_codes = {area.pk: area.code for area in Area.objects.all()}
    themes = {theme.pk: theme for theme in ActionTheme.objects.all()}
    commitments = {commitment.pk: commitment for commitment in Commitment.objects.all()}
    for start in range(0, len(pledge_ids), PARTNER_CHUNK_SIZE):
        yield from _partners_rows(
            pledge_ids[start : start + PARTNER_CHUNK_SIZE],
            area_codes=area_codes,
            themes=themes,
            commitments=commitments,
        )


def _partners_rows(pledge_ids, *, area_codes, themes, commitments):
    """The library's rows of these pledges' partners."""
    partners = {
        row["id"]: row
        for row in Pledge.objects.filter(pk__in=pledge_ids)
        .order_by()
        .values("id", "organisation_id", "organisation__slug", "organisation__name", "organisation__sector")
    }
    areas_of = defaultdict(list)
    for organisation_id, area_id in (
        Organisation.areas.through.objects.filter(
            organisation_id__in=[partner["organisation_id"] for partner in partners.values()]
        )
        .order_by()
        .values_list("organisation_id", "area_id")
    ):
        areas_of[organisation_id].append(area_codes[area_id])

    actions = Action.objects.shown().filter(pledge_id__in=pledge_ids)
    commitments_of = defaultdict(list)
    for action_id, commitment_id in (
        Action.commitments.through.objects.filter(action__in=actions)
        .order_by()
        .values_list("action_id", "commitment_id")
    ):
        commitments_of[action_id].append(commitments[commitment_id])

    story_of = {}  # (pledge, cycle, number, title) -> story id
    for action in actions.order_by("pledge_id", "cycle__number", "number").values(
        "id",
        "pledge_id",
        "number",
        "title",
        "description",
        "theme_id",
        "is_continuing",
        "progress",
        "what_happened",
        "what_helped",
        "cycle__number",
        "cycle__starts_on",
        "cycle__reviewed_at",
        "cycle__show_progress",
    ):
        partner = partners[action["pledge_id"]]
        cycle = action["cycle__number"]
        reviewed = action["cycle__reviewed_at"] is not None
        # The same rule as the partner's page (build._cycles): progress only where shown.
        progress_shown = reviewed and bool(action["cycle__show_progress"])
        if progress_shown and action["progress"]:
            progress = action["progress"]
        else:
            progress = REVIEWED if reviewed else CURRENT
        # An action continues last year's action in its place when the partner said it continues
        # that work and kept its title (as "carry on with this action" does).
        title_key = " ".join(action["title"].casefold().split())
        previous = story_of.get((action["pledge_id"], cycle - 1, action["number"], title_key))
        story_id = previous if action["is_continuing"] and previous else action["id"]
        story_of[(action["pledge_id"], cycle, action["number"], title_key)] = story_id
        theme = themes[action["theme_id"]]
        served = sorted(commitments_of[action["id"]], key=lambda commitment: commitment.number)
        yield {
            "action_id": action["id"],
            "story_id": story_id,
            "organisation_id": partner["organisation_id"],
            "partner_slug": partner["organisation__slug"],
            "partner_name": partner["organisation__name"],
            "sector": partner["organisation__sector"],
            "area_codes": _codes(sorted(areas_of[partner["organisation_id"]])),
            "cycle": cycle,
            "starts_on": action["cycle__starts_on"],
            "year": action["cycle__starts_on"].year,
            "number": action["number"],
            "title": action["title"],
            "description": action["description"],
            "theme_slug": theme.slug,
            "theme_name": theme.name,
            "commitment_numbers": _codes(str(commitment.number) for commitment in served),
            "commitments": [str(commitment) for commitment in served],
            "is_continuing": action["is_continuing"],
            "progress": progress,
            "progress_rank": PROGRESS_RANK[progress],
            "what_happened": action["what_happened"] if progress_shown else "",
            "what_helped": action["what_helped"] if progress_shown else "",
            "search_key": search_key(
                " ".join((action["title"], action["description"], partner["organisation__name"], theme.name))
            ),
        }


def write_library(*, snapshot):
    """Build every listed partner's library rows into `snapshot`, then its filters' choices."""
    _create(snapshot, build_library_rows())
    summarise_library(snapshot)


def rebuild_partners_library(*, snapshot, organisation_ids):
    """Replace these partners' library rows in `snapshot` (none for those not listed), then the choices.

    Touches only their rows: the open-data files are written from the rows after the build commits.
    The filters' choices are brought up to date from the rows replaced, not summarised again from all.
    """
    if "library" not in snapshot.summary:
        snapshot.library.filter(organisation_id__in=organisation_ids).delete()
        _create(snapshot, build_library_rows(organisation_ids=organisation_ids))
        summarise_library(snapshot)
        return
    replaced = snapshot.library.filter(organisation_id__in=organisation_ids)
    old = _Choices()
    for row in replaced.order_by().values(*CHOICE_FIELDS):
        old.add(row)
    _, deleted = replaced.delete()
    new = _Choices()
    created = _create(snapshot, new.adding(build_library_rows(organisation_ids=organisation_ids)))
    choices = _Choices.of_summary(snapshot.summary["library"])
    choices.update(new)
    # A choice only the replaced rows offered goes, unless another partner's row still offers it.
    rows = snapshot.library.order_by()
    for year in old.years - new.years:
        if not rows.filter(year=year).exists():
            choices.years.discard(year)
    for slug, name in old.themes.items() - new.themes.items():
        if choices.themes.get(slug) == name and not rows.filter(theme_slug=slug, theme_name=name).exists():
            del choices.themes[slug]
    for code in old.areas - new.areas:
        if not rows.filter(area_codes__contains=f" {code} ").exists():
            choices.areas.discard(code)
    for number, label in old.commitments.items() - new.commitments.items():
        offered = choices.commitments.get(number) == label
        if offered and not rows.filter(commitments__contains=[label]).exists():
            del choices.commitments[number]
    for code in old.progress - new.progress:
        if not rows.filter(progress=code).exists():
            choices.progress.discard(code)
    count = snapshot.summary["library"]["count"] - deleted.get(LibraryAction._meta.label, 0) + created
    _store_choices(snapshot, choices, count=count)


def summarise_library(snapshot):
    """Store the library's size and its filters' choices in the snapshot's summary (saved by the build).

    A few aggregate queries over the snapshot's rows, however many there are.
    """
    rows = snapshot.library.order_by()
    table = LibraryAction._meta.db_table
    choices = _Choices()
    with connection.cursor() as cursor:
        # Area codes are stored as " a b ", commitments as a JSON list of labels ("7. Share best practice").
        cursor.execute(
            f"""
            SELECT DISTINCT code FROM {table},
                unnest(string_to_array(btrim(area_codes), ' ')) AS code
            WHERE snapshot_id = %s AND code <> ''
            """,  # noqa: S608 (the table name is the model's own)
            [snapshot.pk],
        )
        choices.areas = {code for (code,) in cursor.fetchall()}
        cursor.execute(
            f"""
            SELECT DISTINCT label FROM {table}, jsonb_array_elements_text(commitments) AS label
            WHERE snapshot_id = %s
            """,  # noqa: S608 (the table name is the model's own)
            [snapshot.pk],
        )
        choices.commitments = {_number(label): label for (label,) in cursor.fetchall()}
    choices.themes = dict(rows.values_list("theme_slug", "theme_name").distinct())
    choices.progress = set(rows.values_list("progress", flat=True).distinct())
    choices.years = set(rows.values_list("year", flat=True).distinct())
    _store_choices(snapshot, choices, count=rows.count())


# What the filters' choices are read from, in each row.
CHOICE_FIELDS = ("year", "theme_slug", "theme_name", "area_codes", "commitments", "progress")


class _Choices:
    """What the library's filters offer: years, themes (slug: name), area codes, commitments, progress."""

    def __init__(self):
        self.years, self.themes, self.areas, self.commitments, self.progress = set(), {}, set(), {}, set()

    @classmethod
    def of_summary(cls, summary):
        choices = cls()
        choices.years = set(summary["years"])
        choices.themes = {theme["slug"]: theme["name"] for theme in summary["themes"]}
        choices.areas = {code for code, _ in summary["areas"]}
        choices.commitments = dict(summary["commitments"])
        choices.progress = {code for code, _ in summary["progress"]}
        return choices

    def add(self, row):
        self.years.add(row["year"])
        self.themes[row["theme_slug"]] = row["theme_name"]
        self.areas.update(row["area_codes"].split())
        self.commitments.update((_number(label), label) for label in row["commitments"])
        self.progress.add(row["progress"])

    def adding(self, rows):
        """The rows, each added as it passes."""
        for row in rows:
            self.add(row)
            yield row

    def update(self, other):
        self.years |= other.years
        self.themes.update(other.themes)
        self.areas |= other.areas
        self.commitments.update(other.commitments)
        self.progress |= other.progress


def _store_choices(snapshot, choices, *, count):
    theme_order = {theme.slug: (theme.position, theme.name) for theme in ActionTheme.objects.all()}
    snapshot.summary = {
        **snapshot.summary,
        "library": {
            "count": count,
            "years": sorted(choices.years, reverse=True),
            "themes": [
                {"slug": slug, "name": choices.themes[slug]}
                for slug in sorted(choices.themes, key=lambda slug: theme_order.get(slug, (0, slug)))
            ],
            "areas": [[area.code, area.name] for area in Area.objects.all() if area.code in choices.areas],
            "commitments": [
                [number, choices.commitments[number]] for number in sorted(choices.commitments, key=int)
            ],
            "progress": [[code, label] for code, label in STATUS_LABELS.items() if code in choices.progress],
        },
    }


def _number(label):
    # The label's number ("7. Share best practice") is the filter's value.
    return label.split(".")[0]


def file_rows(snapshot):
    """The library's open data, newest first, a chunk of rows at a time: (JSON record, CSV row) per action."""
    site = settings.SITE_URL
    # One reverse() for each kind of URL: at tens of thousands of rows, resolving each costs seconds.
    action_path = reverse("directory:action", kwargs={"pk": ID_PLACEHOLDER})
    partner_path = reverse("directory:partner", kwargs={"slug": SLUG_PLACEHOLDER})
    rows = (
        snapshot.library.order_by("-starts_on", "action_id")
        .values(*FILE_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for row in rows:
        url = site + action_path.replace(str(ID_PLACEHOLDER), str(row["action_id"]))
        partner_url = site + partner_path.replace(SLUG_PLACEHOLDER, row["partner_slug"])
        record = {
            "id": row["action_id"],
            "url": url,
            "story_id": row["story_id"],
            "partner": {
                "name": row["partner_name"],
                "slug": row["partner_slug"],
                "url": partner_url,
                "sector": row["sector"],
            },
            "year": row["year"],
            "cycle": row["cycle"],
            "number": row["number"],
            "title": row["title"],
            "description": row["description"],
            "theme": row["theme_name"],
            "commitments": row["commitments"],
            "is_continuing": row["is_continuing"],
            "progress": row["progress"],
            "what_happened": row["what_happened"],
            "what_helped": row["what_helped"],
        }
        csv_row = [
            row["action_id"],
            url,
            row["story_id"],
            row["partner_name"],
            row["partner_slug"],
            partner_url,
            row["sector"],
            row["year"],
            row["cycle"],
            row["number"],
            row["title"],
            row["description"],
            row["theme_name"],
            ";".join(row["commitments"]),
            "yes" if row["is_continuing"] else "no",
            row["progress"],
            row["what_happened"],
            row["what_helped"],
        ]
        yield (
            json.dumps(record, ensure_ascii=False, separators=(",", ":")),
            csv_line(csv_row),
        )


def _create(snapshot, rows):
    """Write the rows into the snapshot; returns how many."""
    return writing.insert_rows(LibraryAction, rows, snapshot_id=snapshot.pk)


def _codes(codes):
    # " a b " so a LIKE on " a " matches whole codes only.
    return " " + " ".join(codes) + " "
