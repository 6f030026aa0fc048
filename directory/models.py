"""The public directory's snapshot: what the public pages read, written whole by each build."""

import unicodedata

from django.db import models
from django.db.models import Deferrable
from django.utils import timezone

from organisations.models import Organisation


class DirectorySnapshotQuerySet(models.QuerySet):
    def current(self):
        """The snapshot whose data was read most recently: what the public sees.

        Snapshots are written in one transaction, so an uncommitted one is
        never seen.
        """
        return self.order_by("-data_as_of", "-pk").first()

    def superseded(self, *, keep):
        """Every snapshot but the newest `keep`: safe to delete once no request can still be reading them."""
        newest = self.order_by("-data_as_of", "-pk").values_list("pk", flat=True)[:keep]
        return self.exclude(pk__in=list(newest))


class DirectorySnapshot(models.Model):
    """One complete build of the public directory, written by the build_directory task.

    Incremental builds change one partner's rows in place and bump `version`,
    so (pk, version) names exactly what the public pages show: the key of
    their cached copies, and their ETag.
    """

    # When the build began reading: every change committed before this is in the snapshot.
    data_as_of = models.DateTimeField(db_index=True)
    built_at = models.DateTimeField(help_text="When the full build, or the latest incremental one, finished.")
    version = models.PositiveIntegerField(default=1, help_text="Bumped by each incremental build.")
    # When what the public pages show last changed (Last-Modified); kept across builds that change nothing.
    content_changed_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    partner_count = models.PositiveIntegerField()
    summary = models.JSONField(default=dict, help_text="Totals by area and sector, and the filters' choices.")

    objects = DirectorySnapshotQuerySet.as_manager()

    def __str__(self):
        return f"Directory of {self.partner_count} partners, as of {self.data_as_of:%Y-%m-%d %H:%M}"

    @property
    def identity(self):
        """What names what this snapshot shows: changes with every build, full or incremental."""
        return f"{self.pk}.{self.version}"


class DirectoryBuildRequest(models.Model):
    """A change the public directory must show, written in the change's own transaction.

    The build task is enqueued after commit; if the broker loses it, the row
    stays until a build that saw the change deletes it, and the build sweep
    builds whenever one is left. A burst of changes is covered by one build.
    """

    requested_at = models.DateTimeField(default=timezone.now)
    # The partner that changed: only its rows are built again. None asks for a full build.
    organisation_id = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self):
        return f"Directory build requested at {self.requested_at:%Y-%m-%d %H:%M:%S}"


class DirectoryEntryQuerySet(models.QuerySet):
    def search(self, text):
        """Partners whose name contains `text`, ignoring case and accents."""
        key = search_key(text)
        return self.filter(search_key__contains=key) if key else self

    def similar_to(self, text):
        """Partners with a word in their name like `text` (typos forgiven).

        Uses pg_trgm's word similarity (`%>`), served by the trigram index on search_key.
        """
        key = search_key(text)
        if not key:
            return self.none()
        return self.filter(search_key__trigram_word_similar=key)

    def filtered(self, *, sector="", kind="", area="", year=None, theme=""):
        """Narrow by any of the directory's filters; an empty value means "any"."""
        return narrowed(
            self,
            equal={"sector": sector, "kind": kind, "year": year},
            within={"area_codes": area, "theme_slugs": theme},
        )

    def sorted_by(self, sort):
        """In the order stored at build time (the same as by name or newest first, then by pk)."""
        return self.order_by(DirectoryEntry.POSITION[sort])


class DirectoryEntry(models.Model):
    """One partner in a directory snapshot: what its card and its page show, precomputed."""

    class Sort(models.TextChoices):
        NAME = "name", "Name (A to Z)"
        RECENT = "recent", "Most recently signed"

    # Where each entry's place (1, 2, 3...) in each sort order is kept, numbered at build time.
    POSITION = {Sort.NAME: "position__name_position", Sort.RECENT: "position__recent_position"}

    snapshot = models.ForeignKey(DirectorySnapshot, on_delete=models.CASCADE, related_name="entries")
    organisation_id = models.PositiveIntegerField()
    slug = models.SlugField(max_length=220, db_index=False)
    name = models.CharField(max_length=200)
    # Text, not CharField(200): case-folding can lengthen a name ("ß" becomes "ss").
    sort_name = models.TextField()
    search_key = models.TextField(help_text="The name, case-folded and without accents.")
    kind = models.CharField(max_length=20, choices=Organisation.Kind.choices)
    sector = models.CharField(max_length=20, choices=Organisation.Sector.choices)
    areas = models.JSONField(default=list, help_text="Names of the areas served.")
    area_codes = models.CharField(max_length=200)
    theme_slugs = models.CharField(max_length=500, help_text="Themes of published actions.")
    signed_on = models.DateField()
    year = models.PositiveSmallIntegerField()
    logo_url = models.CharField(max_length=500, blank=True)
    page = models.JSONField(default=dict, help_text="Everything the partner's page shows.")
    # The partner's share of the open-data files, so they are assembled, not built, after a change.
    record = models.TextField(help_text="Its object in partners.json.")
    csv_row = models.TextField(help_text="Its row in partners.csv.")
    action_rows = models.TextField(blank=True, help_text="Its rows in partners-actions.csv.")
    digest = models.CharField(
        max_length=64, help_text="Of everything above: the nightly build compares them."
    )

    objects = DirectoryEntryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "slug"], name="one_directory_entry_per_slug"),
            models.UniqueConstraint(
                fields=["snapshot", "organisation_id"], name="one_directory_entry_per_organisation"
            ),
        ]
        indexes = [
            models.Index(fields=["snapshot", "sector"], name="directory_by_sector"),
            models.Index(fields=["snapshot", "kind"], name="directory_by_kind"),
            models.Index(fields=["snapshot", "year"], name="directory_by_year"),
        ]

    def __str__(self):
        return self.name


class DirectoryPosition(models.Model):
    """An entry's place in each sort order: by name, then pk; and newest signed first, then name, then pk.

    A page of the whole directory is a range of places. Kept apart from the
    wide, much-indexed entries, so that the places a new partner moves are
    cheap to rewrite.
    """

    snapshot = models.ForeignKey(DirectorySnapshot, on_delete=models.CASCADE, related_name="positions")
    entry = models.OneToOneField(DirectoryEntry, on_delete=models.CASCADE, related_name="position")
    name_position = models.PositiveIntegerField()
    recent_position = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Deferred: renumbering after an incremental build moves many places in one statement.
            models.UniqueConstraint(
                fields=["snapshot", "name_position"],
                name="one_directory_entry_per_name_position",
                deferrable=Deferrable.DEFERRED,
            ),
            models.UniqueConstraint(
                fields=["snapshot", "recent_position"],
                name="one_directory_entry_per_recent_position",
                deferrable=Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return f"{self.entry_id}: {self.name_position} by name, {self.recent_position} by date"


class DirectoryDeparture(models.Model):
    """A former partner in a directory snapshot: its page says why it is no longer listed."""

    snapshot = models.ForeignKey(DirectorySnapshot, on_delete=models.CASCADE, related_name="departures")
    organisation_id = models.PositiveIntegerField()
    slug = models.SlugField(max_length=220, db_index=False)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=20)
    left_on = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "slug"], name="one_directory_departure_per_slug"),
        ]

    def __str__(self):
        return self.name


def narrowed(queryset, *, equal, within):
    """`queryset` narrowed by each filter given a value.

    {field: value} in `equal` match exactly; {field: code} in `within` name a code in a field stored
    as " code code ", so one LIKE finds a whole code.
    """
    queryset = queryset.filter(**{field: value for field, value in equal.items() if value})
    for field, code in within.items():
        if code:
            queryset = queryset.filter(**{f"{field}__contains": f" {code} "})
    return queryset


def search_key(text):
    """Fold case and strip accents, so "Café" and "cafe" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Plain ASCII has no accents to strip, and is most text: the full build folds 100,000s of them.
    if not decomposed.isascii():
        decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(decomposed.split())


class LibraryActionQuerySet(models.QuerySet):
    def search(self, text):
        """Actions whose title, words, partner or theme contain `text`, ignoring case and accents.

        On PostgreSQL the trigram index on search_key serves the LIKE.
        """
        key = search_key(text)
        return self.filter(search_key__contains=key) if key else self

    def filtered(self, *, theme="", commitment=None, sector="", area="", year=None, progress=""):
        """Narrow by any of the library's filters; an empty value means "any"."""
        return narrowed(
            self,
            equal={"theme_slug": theme, "sector": sector, "year": year, "progress": progress},
            within={"commitment_numbers": commitment, "area_codes": area},
        )

    def sorted_by(self, sort):
        if sort == LibraryAction.Sort.PROGRESS:
            return self.order_by("-progress_rank", "-starts_on", "action_id")
        return self.order_by("-starts_on", "action_id")

    def story_of(self, action):
        """Every year of the action's story, oldest first: the actions continued into one another."""
        return self.filter(story_id=action.story_id).order_by("cycle")


class LibraryAction(models.Model):
    """One action shown in a directory snapshot: what its card in the actions library shows.

    Written by the same build as the snapshot's partners, from what each partner chose to
    show, so the library is read, never queried live (see directory/library.py).
    """

    class Sort(models.TextChoices):
        RECENT = "recent", "Most recent"
        PROGRESS = "progress", "Most progress"

    snapshot = models.ForeignKey(DirectorySnapshot, on_delete=models.CASCADE, related_name="library")
    action_id = models.PositiveIntegerField(help_text="The action's id: its page is /actions/<id>/.")
    # The first action of the chain it continues (its own id if it starts one).
    story_id = models.PositiveIntegerField()
    organisation_id = models.PositiveIntegerField(help_text="The partner, to rebuild its rows alone.")
    partner_slug = models.SlugField(max_length=220, db_index=False)
    partner_name = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, choices=Organisation.Sector.choices)
    area_codes = models.CharField(max_length=200)
    cycle = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    year = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    description = models.TextField()
    theme_slug = models.SlugField()
    theme_name = models.CharField(max_length=200)
    commitment_numbers = models.CharField(max_length=100)
    commitments = models.JSONField(default=list, help_text="Labels of the commitments it serves.")
    is_continuing = models.BooleanField()
    progress = models.CharField(max_length=20)
    progress_rank = models.PositiveSmallIntegerField()
    what_happened = models.TextField(blank=True)
    what_helped = models.TextField(blank=True)
    search_key = models.TextField(help_text="Title, words, partner and theme, folded.")

    objects = LibraryActionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "action_id"], name="one_library_action_per_action"),
        ]
        indexes = [
            models.Index(fields=["snapshot", "-starts_on", "action_id"], name="library_by_recent"),
            models.Index(
                fields=["snapshot", "-progress_rank", "-starts_on", "action_id"], name="library_by_progress"
            ),
            models.Index(fields=["snapshot", "story_id"], name="library_by_story"),
            models.Index(fields=["snapshot", "organisation_id"], name="library_by_partner"),
        ]

    def __str__(self):
        return self.title
