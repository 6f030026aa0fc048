"""Building the public directory: every listed partner's card, page and open-data record, from a few reads.

This module only reads and computes; `services.render_directory()` writes the result
as one snapshot. Nothing here may publish what a partner did not agree to publish:
actions only with `publish_actions`, progress only from reviewed cycles with
`publish_progress`, the signatory only with `show_signatory`, the logo only with
`show_logo`, and never an email address.
"""

import csv
import datetime
import hashlib
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from organisations.models import Area, Organisation
from pledge_portal.csv import defuse_formula
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


@dataclass
class Directory:
    """What one render produces, ready to be written as a snapshot."""

    entries: list = field(default_factory=list)
    departures: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    partners_records: str = "[]"
    partners_csv: str = ""
    actions_csv: str = ""

    @property
    def content_hash(self):
        digest = hashlib.sha256()
        for part in (self.partners_records, self.partners_csv, self.actions_csv):
            digest.update(part.encode())
        return digest.hexdigest()

    def partners_json(self, *, updated):
        # Assembled around the precomputed records so the hash ignores the timestamp.
        count = len(self.entries)
        return f'{{"updated":"{updated.isoformat()}","count":{count},"partners":{self.partners_records}}}'


def build_directory():
    """Read everything the directory shows and compute its rows and open-data files."""
    site = settings.SITE_URL
    # One reverse() for all partners: at tens of thousands, resolving each URL costs seconds.
    partner_path = reverse("directory:partner", kwargs={"slug": SLUG_PLACEHOLDER})
    areas = {area.pk: area for area in Area.objects.all()}
    themes = {theme.pk: theme for theme in ActionTheme.objects.all()}

    listed = Pledge.objects.in_directory()
    pledges = {
        row["organisation_id"]: row
        for row in listed.values(
            "id",
            "organisation_id",
            "version__number",
            "signatory_name",
            "signatory_job_title",
            "show_signatory",
            "show_logo",
            "publish_actions",
            "signed_on",
            "approved_at",
        )
    }
    organisations = sorted(
        Organisation.objects.filter(pk__in=listed.values("organisation_id"))
        .order_by()
        .values("id", "name", "slug", "kind", "sector", "website", "logo", "description"),
        # Open data lists partners in name order; sorting here is cheaper than in the database.
        key=lambda organisation: (organisation["name"].casefold(), organisation["slug"]),
    )
    areas_of = defaultdict(list)
    for organisation_id, area_id in (
        Organisation.areas.through.objects.filter(organisation_id__in=listed.values("organisation_id"))
        .order_by()
        .values_list("organisation_id", "area_id")
    ):
        areas_of[organisation_id].append(areas[area_id])
    actions_of = defaultdict(list)
    for action in (
        Action.objects.published()
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
            "cycle__publish_progress",
        )
    ):
        actions_of[action["pledge_id"]].append(action)

    directory = Directory()
    records, partner_rows, action_rows = [], [], []
    by_area, by_sector, years, theme_counts = Counter(), Counter(), Counter(), Counter()
    for organisation in organisations:
        pledge = pledges[organisation["id"]]
        signed_on = pledge["signed_on"] or timezone.localdate(pledge["approved_at"])
        url = site + partner_path.replace(SLUG_PLACEHOLDER, organisation["slug"])
        served = sorted(areas_of[organisation["id"]], key=lambda area: (area.position, area.name))
        logo_url = _logo_url(organisation["logo"]) if pledge["show_logo"] else ""
        signatory = (
            {"name": pledge["signatory_name"], "job_title": pledge["signatory_job_title"]}
            if pledge["show_signatory"] and pledge["signatory_name"]
            else None
        )
        cycles = _cycles(actions_of[pledge["id"]] if pledge["publish_actions"] else [], themes)
        actions = [action for cycle in cycles for action in cycle["actions"]]

        theme_slugs = sorted({action["theme_slug"] for action in actions})
        directory.entries.append(
            {
                "slug": organisation["slug"],
                "name": organisation["name"],
                "sort_name": organisation["name"].casefold(),
                "search_key": search_key(organisation["name"]),
                "kind": organisation["kind"],
                "sector": organisation["sector"],
                "areas": [area.name for area in served],
                "area_codes": _codes(area.code for area in served),
                "theme_slugs": _codes(theme_slugs),
                "signed_on": signed_on,
                "year": signed_on.year,
                "logo_url": logo_url,
                "page": {
                    "description": organisation["description"],
                    "website": organisation["website"],
                    "signed_on": _display_date(signed_on),
                    "version": pledge["version__number"],
                    # Always the version's own page, which says whether it is the current wording:
                    # a new version taking effect changes no partner's page.
                    "version_url": reverse(
                        "directory:pledge_version", kwargs={"number": pledge["version__number"]}
                    ),
                    "signatory": signatory,
                    "publishes_actions": bool(pledge["publish_actions"]),
                    "current": cycles[0] if cycles else None,
                    "earlier": cycles[1:],
                },
            }
        )
        for area in served:
            by_area[area.code] += 1
        by_sector[organisation["sector"]] += 1
        years[signed_on.year] += 1
        theme_counts.update(theme_slugs)

        records.append(
            {
                "name": organisation["name"],
                "slug": organisation["slug"],
                "url": url,
                "kind": organisation["kind"],
                "sector": organisation["sector"],
                "areas": [area.name for area in served],
                "website": organisation["website"],
                "signed_on": signed_on.isoformat(),
                "pledge_version": pledge["version__number"],
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
            }
        )
        partner_rows.append(
            [
                organisation["name"],
                organisation["slug"],
                url,
                organisation["kind"],
                organisation["sector"],
                ";".join(area.name for area in served),
                organisation["website"],
                signed_on.isoformat(),
                pledge["version__number"],
                logo_url,
                signatory["name"] if signatory else "",
                signatory["job_title"] if signatory else "",
            ]
        )
        action_rows.extend(
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

    directory.departures = _departures()
    directory.summary = {
        "count": len(directory.entries),
        "by_area": [
            {"code": area.code, "name": area.name, "count": by_area[area.code]} for area in areas.values()
        ],
        "by_sector": [
            {"code": code, "name": label, "count": by_sector[code]}
            for code, label in Organisation.Sector.choices
            if by_sector[code]
        ],
        "years": sorted(years, reverse=True),
        "themes": [
            {"slug": theme.slug, "name": theme.name}
            for theme in sorted(themes.values(), key=lambda theme: (theme.position, theme.name))
            if theme_counts[theme.slug]
        ],
    }
    directory.partners_records = json.dumps(records, ensure_ascii=False, separators=(",", ":"))
    directory.partners_csv = _csv(PARTNER_CSV_HEADER, partner_rows)
    directory.actions_csv = _csv(ACTIONS_CSV_HEADER, action_rows)
    return directory


def _cycles(actions, themes):
    """A partner's published actions grouped by cycle, newest cycle first."""
    by_cycle = defaultdict(list)
    for action in actions:
        by_cycle[action["cycle__number"]].append(action)
    cycles = []
    for position, number in enumerate(sorted(by_cycle, reverse=True)):
        rows = sorted(by_cycle[number], key=lambda action: action["number"])
        first = rows[0]
        reviewed = first["cycle__reviewed_at"] is not None
        progress_published = reviewed and first["cycle__publish_progress"]
        cycle_actions = []
        for row in rows:
            if progress_published and row["progress"]:
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
                    "what_happened": row["what_happened"] if progress_published else "",
                    "what_helped": row["what_helped"] if progress_published else "",
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


def _departures():
    """Former partners, newest departure per organisation, so their old page can say what happened."""
    departures = {}
    for row in (
        Pledge.objects.departed_from_directory()
        .order_by("organisation_id", "-updated_at")
        .values(
            "organisation_id",
            "organisation__slug",
            "organisation__name",
            "status",
            "withdrawn_at",
            "updated_at",
        )
    ):
        if row["organisation_id"] in departures:
            continue
        left = row["withdrawn_at"] if row["status"] == Pledge.Status.WITHDRAWN else row["updated_at"]
        departures[row["organisation_id"]] = {
            "slug": row["organisation__slug"],
            "name": row["organisation__name"],
            "status": row["status"],
            "left_on": timezone.localdate(left) if left else None,
        }
    return list(departures.values())


def _csv(header, rows):
    """RFC 4180: comma-separated, double quotes where needed, CRLF line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([defuse_formula(value) for value in row] for row in rows)
    return buffer.getvalue()


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
