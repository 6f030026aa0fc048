"""Building the public directory: every listed partner's card, page and open-data record, from a few reads.

This module only reads and computes; `services` writes the result, a chunk at a
time, as a snapshot (or, for one partner, into the current snapshot).
Nothing here may show what a partner did not agree to show:
actions only with `show_actions`, progress only from reviewed cycles with
`show_progress`, the signatory only with `show_signatory`, the logo only with
`show_logo`, and never an email address.
"""

import datetime
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from organisations.models import Area, Organisation
from pledge_portal.csv import csv_lines
from pledges.models import Action, ActionTheme, Pledge

from .models import search_key

PARTNER_CSV_HEADER = [
    "name",
    "slug",
    "url",
    "kind",
    "sector",
    "areas",
    "website",
    "signed_on",
    "pledge_version",
    "logo_url",
    "signatory_name",
    "signatory_job_title",
]
ACTIONS_CSV_HEADER = [
    "partner_name",
    "partner_slug",
    "partner_url",
    "cycle",
    "number",
    "title",
    "theme",
    "status",
]

# How an action stands, as the public sees it. Progress codes come from Action.Progress.
CURRENT = "current"
REVIEWED = "reviewed"
STATUS_LABELS = {
    CURRENT: "Current action",
    REVIEWED: "Reviewed",
    **dict(Action.Progress.choices),
}

SLUG_PLACEHOLDER = "partner-slug"
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


# Partners read and built per chunk, so a build's memory does not grow with the directory.
CHUNK_SIZE = 2000


@dataclass
class Context:
    """What every partner's rows need, read once per build."""

    site: str = field(default_factory=lambda: settings.SITE_URL)
    # One reverse() for all partners: at tens of thousands, resolving each URL costs seconds.
    partner_path: str = field(
        default_factory=lambda: reverse("directory:partner", kwargs={"slug": SLUG_PLACEHOLDER})
    )
    areas: dict = field(default_factory=lambda: {area.pk: area for area in Area.objects.all()})
    themes: dict = field(default_factory=lambda: {theme.pk: theme for theme in ActionTheme.objects.all()})
    # Each pledge version's page, resolved once: partners share the few versions there are.
    version_paths: dict = field(default_factory=dict)

    def version_path(self, number):
        if number not in self.version_paths:
            self.version_paths[number] = reverse("directory:pledge_version", kwargs={"number": number})
        return self.version_paths[number]


def build_entries(organisation_ids=None, *, chunk_size=CHUNK_SIZE):
    """Every listed partner's directory entry (or only those of `organisation_ids`), a chunk at a time.

    Each entry carries its card, its page and its share of the open-data files.
    """
    context = Context()
    listed = Pledge.objects.in_directory()
    if organisation_ids is not None:
        listed = listed.filter(organisation_id__in=organisation_ids)
    ids = list(listed.order_by("organisation_id").values_list("organisation_id", flat=True))
    for start in range(0, len(ids), chunk_size):
        yield from _entries(ids[start : start + chunk_size], context)


def _entries(organisation_ids, context):
    pledges = {
        row["organisation_id"]: row
        for row in Pledge.objects.in_directory()
        .filter(organisation_id__in=organisation_ids)
        .values(
            "id",
            "organisation_id",
            "version__number",
            "signatory_name",
            "signatory_job_title",
            "show_signatory",
            "show_logo",
            "show_actions",
            "signed_on",
            "approved_at",
        )
    }
    organisations = (
        Organisation.objects.filter(pk__in=organisation_ids)
        .order_by("pk")
        .values("id", "name", "slug", "kind", "sector", "website", "logo", "description")
    )
    areas_of = defaultdict(list)
    for organisation_id, area_id in (
        Organisation.areas.through.objects.filter(organisation_id__in=organisation_ids)
        .order_by()
        .values_list("organisation_id", "area_id")
    ):
        areas_of[organisation_id].append(context.areas[area_id])
    actions_of = defaultdict(list)
    for action in (
        Action.objects.shown()
        .filter(pledge_id__in=[pledge["id"] for pledge in pledges.values()])
        .order_by()
        .values(
            "pledge_id",
            "number",
            "title",
            "description",
            "theme_id",
            "is_continuing",
            "target_date",
            "progress",
            "what_happened",
            "what_helped",
            "cycle__number",
            "cycle__starts_on",
            "cycle__due_on",
            "cycle__reviewed_at",
            "cycle__show_progress",
        )
    ):
        actions_of[action["pledge_id"]].append(action)

    for organisation in organisations:
        pledge = pledges.get(organisation["id"])
        if pledge is None:  # withdrawn since the list of ids was read
            continue
        yield _entry(organisation, pledge, areas_of, actions_of, context)


def _entry(organisation, pledge, areas_of, actions_of, context):
    signed_on = pledge["signed_on"] or timezone.localdate(pledge["approved_at"])
    url = context.site + context.partner_path.replace(SLUG_PLACEHOLDER, organisation["slug"])
    served = sorted(areas_of[organisation["id"]], key=lambda area: (area.position, area.name))
    logo_url = _logo_url(organisation["logo"]) if pledge["show_logo"] else ""
    signatory = (
        {"name": pledge["signatory_name"], "job_title": pledge["signatory_job_title"]}
        if pledge["show_signatory"] and pledge["signatory_name"]
        else None
    )
    cycles = _cycles(actions_of[pledge["id"]] if pledge["show_actions"] else [], context.themes)
    actions = [action for cycle in cycles for action in cycle["actions"]]
    version = pledge["version__number"]

    page = {
        "description": organisation["description"],
        "website": organisation["website"],
        "signed_on": _display_date(signed_on),
        "version": version,
        # Always the version's own page, which says whether it is the current wording:
        # a new version taking effect changes no partner's page.
        "version_url": context.version_path(version),
        "signatory": signatory,
        "shows_actions": bool(pledge["show_actions"]),
        "current": cycles[0] if cycles else None,
        "earlier": cycles[1:],
    }
    record = json.dumps(
        {
            "name": organisation["name"],
            "slug": organisation["slug"],
            "url": url,
            "kind": organisation["kind"],
            "sector": organisation["sector"],
            "areas": [area.name for area in served],
            "website": organisation["website"],
            "signed_on": signed_on.isoformat(),
            "pledge_version": version,
            "logo_url": logo_url or None,
            "signatory": signatory,
            "actions": [
                {
                    "cycle": action["cycle"],
                    "number": action["number"],
                    "title": action["title"],
                    "theme": action["theme"],
                    "status": action["status"],
                }
                for action in actions
            ],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    csv_row = csv_lines(
        [
            [
                organisation["name"],
                organisation["slug"],
                url,
                organisation["kind"],
                organisation["sector"],
                ";".join(area.name for area in served),
                organisation["website"],
                signed_on.isoformat(),
                version,
                logo_url,
                signatory["name"] if signatory else "",
                signatory["job_title"] if signatory else "",
            ]
        ]
    )
    action_rows = csv_lines(
        [
            organisation["name"],
            organisation["slug"],
            url,
            action["cycle"],
            action["number"],
            action["title"],
            action["theme"],
            action["status"],
        ]
        for action in actions
    )
    entry = {
        "organisation_id": organisation["id"],
        "slug": organisation["slug"],
        "name": organisation["name"],
        "sort_name": organisation["name"].casefold(),
        "search_key": search_key(organisation["name"]),
        "kind": organisation["kind"],
        "sector": organisation["sector"],
        "areas": [area.name for area in served],
        "area_codes": _codes(area.code for area in served),
        "theme_slugs": _codes(sorted({action["theme_slug"] for action in actions})),
        "signed_on": signed_on,
        "year": signed_on.year,
        "logo_url": logo_url,
        "page": page,
        "record": record,
        "csv_row": csv_row,
        "action_rows": action_rows,
    }
    digest = hashlib.sha256()
    for value in (record, csv_row, action_rows, json.dumps(page, sort_keys=True, default=str)):
        digest.update(value.encode())
    entry["digest"] = digest.hexdigest()
    return entry


def summarise(rows, *, areas, themes, gone=(), since=None):
    """Totals by area and sector, and the filters' choices, from (area_codes, sector, year, theme_slugs).

    With `since` (a summary this function made), its tallies are brought up to
    date instead: `rows` are added and `gone` (rows it counted) taken away, so
    a build of a few partners need not read every entry.
    """
    tallies = since["tallies"] if since else {}
    count = since["count"] if since else 0
    by_area, by_sector, years, theme_counts = (
        Counter(tallies.get(name, {})) for name in ("areas", "sectors", "years", "themes")
    )
    for sign, each in ((1, rows), (-1, gone)):
        for area_codes, sector, year, theme_slugs in each:
            count += sign
            for code in area_codes.split():
                by_area[code] += sign
            by_sector[sector] += sign
            years[str(year)] += sign  # a string, as the summary's JSON keeps it
            for slug in theme_slugs.split():
                theme_counts[slug] += sign
    return {
        "count": count,
        "by_area": [{"code": area.code, "name": area.name, "count": by_area[area.code]} for area in areas],
        "by_sector": [
            {"code": code, "name": label, "count": by_sector[code]}
            for code, label in Organisation.Sector.choices
            if by_sector[code] > 0
        ],
        "years": sorted((int(year) for year, n in years.items() if n > 0), reverse=True),
        "themes": [
            {"slug": theme.slug, "name": theme.name}
            for theme in sorted(themes, key=lambda theme: (theme.position, theme.name))
            if theme_counts[theme.slug] > 0
        ],
        # What the next incremental build updates (`since`); only counts above nothing are kept.
        "tallies": {
            name: {key: n for key, n in counter.items() if n > 0}
            for name, counter in (
                ("areas", by_area),
                ("sectors", by_sector),
                ("years", years),
                ("themes", theme_counts),
            )
        },
    }


def departures(organisation_ids=None):
    """Former partners (or only `organisation_ids`), each's newest departure, so their old page says why."""
    found = {}
    departed = Pledge.objects.departed_from_directory()
    if organisation_ids is not None:
        departed = departed.filter(organisation_id__in=organisation_ids)
    for row in departed.order_by("organisation_id", "-updated_at").values(
        "organisation_id",
        "organisation__slug",
        "organisation__name",
        "status",
        "withdrawn_at",
        "updated_at",
    ):
        if row["organisation_id"] in found:
            continue
        left = row["withdrawn_at"] if row["status"] == Pledge.Status.WITHDRAWN else row["updated_at"]
        found[row["organisation_id"]] = {
            "organisation_id": row["organisation_id"],
            "slug": row["organisation__slug"],
            "name": row["organisation__name"],
            "status": row["status"],
            "left_on": timezone.localdate(left) if left else None,
        }
    return list(found.values())


def _cycles(actions, themes):
    """The actions a partner shows, grouped by cycle, newest cycle first."""
    by_cycle = defaultdict(list)
    for action in actions:
        by_cycle[action["cycle__number"]].append(action)
    cycles = []
    for position, number in enumerate(sorted(by_cycle, reverse=True)):
        rows = sorted(by_cycle[number], key=lambda action: action["number"])
        first = rows[0]
        reviewed = first["cycle__reviewed_at"] is not None
        progress_shown = reviewed and first["cycle__show_progress"]
        cycle_actions = []
        for row in rows:
            if progress_shown and row["progress"]:
                status = row["progress"]
            elif reviewed:
                status = REVIEWED
            else:
                status = CURRENT if position == 0 else REVIEWED
            theme = themes[row["theme_id"]]
            cycle_actions.append(
                {
                    "cycle": number,
                    "number": row["number"],
                    "title": row["title"],
                    "description": row["description"],
                    "theme": theme.name,
                    "theme_slug": theme.slug,
                    "is_continuing": row["is_continuing"],
                    "target_date": _display_date(row["target_date"]),
                    "status": status,
                    "status_label": STATUS_LABELS[status],
                    "what_happened": row["what_happened"] if progress_shown else "",
                    "what_helped": row["what_helped"] if progress_shown else "",
                }
            )
        cycles.append(
            {
                "number": number,
                "starts_on": _display_date(first["cycle__starts_on"]),
                "due_on": _display_date(first["cycle__due_on"]),
                "reviewed_on": _display_date(first["cycle__reviewed_at"]),
                "actions": cycle_actions,
            }
        )
    return cycles


def _codes(codes):
    # " a b " so a LIKE on " a " matches whole codes only.
    return " " + " ".join(codes) + " "


def _logo_url(name):
    if not name:
        return ""
    url = default_storage.url(name)
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def _display_date(value):
    """ "7 March 2025". Not Django's date filter: at tens of thousands of dates it costs seconds."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
