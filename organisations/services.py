"""Writes for organisations: creating and editing partners, their people, and the public directory."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.text import slugify

from .directory import build_directory
from .models import DirectoryDeparture, DirectoryEntry, DirectorySnapshot, Organisation

# Organisations and duplicates --------------------------------------------------

# Words that do not tell two organisations apart: "The Bristol Mind Ltd" is "Bristol Mind".
_IGNORED_WORDS = {"the"}
# Legal and status endings, longest first, stripped from the end of a name (repeatedly).
_IGNORED_ENDINGS = sorted(
    [
        ("nhs", "foundation", "trust"),
        ("foundation", "trust"),
        ("nhs", "trust"),
        ("ltd",),
        ("limited",),
        ("plc",),
        ("llp",),
        ("cic",),
        ("cio",),
        ("inc",),
        ("charity",),
        ("registered", "charity"),
        ("community", "interest", "company"),
        ("charitable", "incorporated", "organisation"),
    ],
    key=len,
    reverse=True,
)
# Hosts many unrelated organisations share: a matching domain there means nothing.
_SHARED_HOSTS = {
    "facebook.com",
    "instagram.com",
    "linkedin.com",
    "twitter.com",
    "x.com",
    "linktr.ee",
    "sites.google.com",
    "nhs.uk",
    "gov.uk",
}


def name_words(name):
    """The words that identify an organisation's name: no case, punctuation, "the" or legal ending."""
    words = [word for word in re.findall(r"[a-z0-9]+", name.casefold().replace("&", " and ")) if word]
    words = [word for word in words if word not in _IGNORED_WORDS]
    stripped = True
    while stripped:
        stripped = False
        for ending in _IGNORED_ENDINGS:
            if len(words) > len(ending) and tuple(words[-len(ending) :]) == ending:
                words = words[: -len(ending)]
                stripped = True
                break
    return words


def normalise_organisation_name(name):
    """A key equal for names that differ only in case, spacing, punctuation, "the" or legal ending."""
    return "".join(name_words(name))


def website_domain(website):
    """The website's host without "www.", or "" when there is none or it is a shared host."""
    if not website:
        return ""
    if "//" not in website:
        website = f"//{website}"
    host = (urlsplit(website.strip()).hostname or "").removeprefix("www.")
    return "" if host in _SHARED_HOSTS else host


def find_possible_duplicates(*, name, website="", limit=10):
    """Organisations that may be the one described: same name (normalised) or same website domain.

    The database narrows the candidates (every identifying word appears in the
    name, or the domain appears in the website); the exact comparison is then
    made here, so the query stays one cheap scan however many partners there are.
    Each result has `has_live_pledge`.
    """
    key = normalise_organisation_name(name)
    domain = website_domain(website)
    words = [word for word in name_words(name) if word != "and"]
    conditions = Q()
    if key and words:
        conditions |= Q(*(Q(name__icontains=word) for word in words))
    if domain:
        conditions |= Q(website__icontains=domain)
    if not conditions:
        return []
    # Shortest names first: a name equal to this one once normalised contains all its words and
    # little else, so it is among the first candidates even when thousands share a common word.
    candidates = (
        Organisation.objects.filter(conditions).with_live_pledge_flag().order_by(Length("name"), "name")[:200]
    )
    matches = [
        organisation
        for organisation in candidates
        if (key and normalise_organisation_name(organisation.name) == key)
        or (domain and website_domain(organisation.website) == domain)
    ]
    return matches[:limit]


def _unique_slug(name):
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_organisation(*, by, name, kind, sector, areas, website="", description="", logo=None, parent=None):
    """Add a new organisation, created by `by`. Its name must not already be taken (ignoring case)."""
    name = " ".join(name.split())
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name,
                slug=_unique_slug(name),
                kind=kind,
                sector=sector,
                website=website,
                description=description,
                logo=logo or "",
                parent=parent,
                created_by=by,
            )
    except IntegrityError as error:
        raise ValidationError(
            {"name": "An organisation with this name is already registered. Search for it and choose it."}
        ) from error
    organisation.areas.set(areas)
    return organisation


def update_organisation(*, organisation, by, kind, sector, areas, website="", description="", logo=None):
    """A member edits their organisation's details. The name is not changed here (see the edit page).

    `logo` is a new (already validated and re-encoded) file, False to remove the
    current logo, or None to keep it. The public directory is re-rendered after commit.
    """
    with transaction.atomic():
        organisation.kind = kind
        organisation.sector = sector
        organisation.website = website
        organisation.description = description
        if logo is False:
            organisation.logo = ""
        elif logo is not None:
            organisation.logo = logo
        organisation.save()
        organisation.areas.set(areas)
        schedule_directory_render()
    return organisation


# Contacts and invitations -------------------------------------------------------


# The public directory -------------------------------------------------------------

# Snapshots kept: the current one and the one before, so a request that began
# reading the previous snapshot can finish with it while a new one lands.
SNAPSHOTS_KEPT = 2
ENTRY_BATCH_SIZE = 1000


def schedule_directory_render():
    """Re-render the public directory once the current transaction commits.

    Every service that changes what the directory shows (approval, withdrawal,
    a partner's edits, a recorded review) calls this.
    """
    from .tasks import render_directory

    # Robust: if the broker is down the change still stands (the nightly render catches up).
    transaction.on_commit(render_directory.delay, robust=True)


def render_directory():
    """Build the directory from the database and publish it as a new snapshot, atomically.

    Readers see the previous snapshot until this one commits, then this one.
    Safe to run twice or concurrently: the snapshot whose reads began last is
    the current one. Returns the snapshot now current.
    """
    data_as_of = timezone.now()
    directory = build_directory()
    content_hash = directory.content_hash
    with transaction.atomic():
        previous = DirectorySnapshot.objects.current()
        unchanged = previous is not None and previous.content_hash == content_hash
        changed_at = previous.content_changed_at if unchanged else data_as_of
        snapshot = DirectorySnapshot.objects.create(
            data_as_of=data_as_of,
            rendered_at=timezone.now(),
            content_changed_at=changed_at,
            content_hash=content_hash,
            partner_count=len(directory.entries),
            summary=directory.summary,
            partners_json=directory.partners_json(updated=changed_at),
            partners_csv=directory.partners_csv,
            actions_csv=directory.actions_csv,
        )
        DirectoryEntry.objects.bulk_create(
            (DirectoryEntry(snapshot_id=snapshot.pk, **entry) for entry in directory.entries),
            batch_size=ENTRY_BATCH_SIZE,
        )
        DirectoryDeparture.objects.bulk_create(
            (DirectoryDeparture(snapshot_id=snapshot.pk, **departure) for departure in directory.departures),
            batch_size=ENTRY_BATCH_SIZE,
        )
        DirectorySnapshot.objects.superseded(keep=SNAPSHOTS_KEPT).delete()
    return DirectorySnapshot.objects.current()


def current_directory():
    """The snapshot the public sees; rendered here and now if there has never been one."""
    return DirectorySnapshot.objects.current() or render_directory()
