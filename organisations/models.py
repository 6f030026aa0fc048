"""Organisations, the areas they serve, and the people who act for them."""

import hashlib
import re
import unicodedata
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class Area(models.Model):
    """One of the three BNSSG localities an organisation can serve."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


def logo_upload_to(instance, filename):
    # Never keep the uploader's filename: it may carry personal data or path tricks.
    return f"logos/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class OrganisationQuerySet(models.QuerySet):
    def for_member(self, user):
        """Organisations `user` belongs to: the ones whose details they may change."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def name_contains_words(self, text):
        """Organisations whose name contains every word of `text`, in any order and case."""
        words = re.findall(r"\w+", text)
        if not words:
            return self.none()
        return self.filter(*(models.Q(name__icontains=word) for word in words))

    def with_live_pledge_flag(self):
        """Annotate `has_live_pledge`: whether a pledge is drafted, waiting, or approved for it."""
        from pledges.models import Pledge

        return self.annotate(
            has_live_pledge=models.Exists(
                Pledge.objects.filter(organisation=models.OuterRef("pk"), status__in=Pledge.LIVE_STATUSES)
            )
        )

    def in_directory(self):
        """Partners with an approved pledge: the public directory."""
        from pledges.models import Pledge

        return self.filter(
            models.Exists(
                Pledge.objects.filter(organisation=models.OuterRef("pk"), status=Pledge.Status.APPROVED)
            )
        )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ORGANISATION = "organisation", "Organisation"
        SERVICE = "service", "Service"
        STRATEGIC_BOARD = "strategic_board", "Strategic board"
        GROUP = "group", "Group"

    class Sector(models.TextChoices):
        NHS_HEALTH = "nhs_health", "NHS and health"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        POLICE_JUSTICE = "police_justice", "Police and justice"
        EDUCATION = "education", "Education"
        VCSE = "vcse", "Voluntary and community (VCSE)"
        HOUSING = "housing", "Housing"
        BUSINESS = "business", "Business"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    areas = models.ManyToManyField(Area, related_name="organisations", verbose_name="areas served")
    website = models.URLField(blank=True)
    logo = models.ImageField(upload_to=logo_upload_to, blank=True)
    description = models.TextField("short description", max_length=1000, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="For a service, board or group: the organisation it belongs to.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="unique_organisation_name_ignoring_case"),
        ]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def signatory_first(self):
        """The signatory, then the contacts in the order they joined: how every list of people reads."""
        is_contact = models.Case(models.When(role=Membership.Role.SIGNATORY, then=0), default=1)
        return self.order_by(is_contact, "created_at", "pk")


class Membership(models.Model):
    """A person's role for an organisation: the signatory, or a contact for its actions."""

    class Role(models.TextChoices):
        SIGNATORY = "signatory", "Signatory"
        CONTACT = "contact", "Contact"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CONTACT)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_user_and_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) at {self.organisation}"


class InvitationQuerySet(models.QuerySet):
    def pending(self, *, now):
        """Invitations that can still be accepted: not accepted, revoked or expired."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)

    def for_token(self, token):
        return self.filter(token_hash=Invitation.hash_token(token))


class Invitation(models.Model):
    """An invitation, by email, to become a contact for an organisation.

    Only a hash of the token is stored: the link in the email is the only
    copy of the token, so a leaked database cannot be used to accept.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
        ]

    def __str__(self):
        return f"Invitation for {self.email} to {self.organisation}"

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    def is_pending(self, *, now):
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


# The public directory's snapshot ------------------------------------------------


class DirectorySnapshotQuerySet(models.QuerySet):
    def current(self):
        """The snapshot whose data was read most recently: what the public sees.

        Snapshots are written in one transaction, so an uncommitted one is
        never seen. Large text fields are loaded only when asked for.
        """
        return self.defer(*DirectorySnapshot.OPEN_DATA_FIELDS).order_by("-data_as_of", "-pk").first()

    def superseded(self, *, keep):
        """Every snapshot but the newest `keep`: safe to delete once no request can still be reading them."""
        newest = self.order_by("-data_as_of", "-pk").values_list("pk", flat=True)[:keep]
        return self.exclude(pk__in=list(newest))


class DirectorySnapshot(models.Model):
    """One complete rendering of the public directory, written by the render_directory task."""

    OPEN_DATA_FIELDS = ("partners_json", "partners_csv", "actions_csv")

    # When the render began reading: every change committed before this is in the snapshot.
    data_as_of = models.DateTimeField(db_index=True)
    rendered_at = models.DateTimeField()
    # When the published content last changed (Last-Modified); kept across renders that change nothing.
    content_changed_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    partner_count = models.PositiveIntegerField()
    summary = models.JSONField(default=dict, help_text="Totals by area and sector, and the filters' choices.")
    partners_json = models.TextField()
    partners_csv = models.TextField()
    actions_csv = models.TextField()

    objects = DirectorySnapshotQuerySet.as_manager()

    def __str__(self):
        return f"Directory of {self.partner_count} partners, as of {self.data_as_of:%Y-%m-%d %H:%M}"


class DirectoryRenderRequest(models.Model):
    """A change the public directory must show, written in the change's own transaction.

    The render task is published after commit; if the broker loses it, the row
    stays until a render that saw the change deletes it, and the render sweep
    renders whenever one is left. A burst of changes is covered by one render.
    """

    requested_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Directory render requested at {self.requested_at:%Y-%m-%d %H:%M:%S}"


class DirectoryEntryQuerySet(models.QuerySet):
    def search(self, text):
        """Partners whose name contains `text`, ignoring case and accents."""
        key = search_key(text)
        return self.filter(search_key__contains=key) if key else self

    def similar_to(self, text):
        """Partners with a word in their name like `text` (typos forgiven); PostgreSQL only, else none.

        Uses pg_trgm's word similarity (`%>`), served by the trigram index on search_key.
        """
        key = search_key(text)
        if not key or connection.vendor != "postgresql":
            return self.none()
        return self.filter(search_key__trigram_word_similar=key)

    def filtered(self, *, sector="", kind="", area="", year=None, theme=""):
        """Narrow by any of the directory's filters; an empty value means "any"."""
        queryset = self
        if sector:
            queryset = queryset.filter(sector=sector)
        if kind:
            queryset = queryset.filter(kind=kind)
        if year:
            queryset = queryset.filter(year=year)
        # Areas and themes are stored as " code code " so one LIKE finds a whole code.
        if area:
            queryset = queryset.filter(area_codes__contains=f" {area} ")
        if theme:
            queryset = queryset.filter(theme_slugs__contains=f" {theme} ")
        return queryset

    def sorted_by(self, sort):
        if sort == DirectoryEntry.Sort.RECENT:
            return self.order_by("-signed_on", "sort_name", "pk")
        return self.order_by("sort_name", "pk")


class DirectoryEntry(models.Model):
    """One partner in a directory snapshot: what its card and its page show, precomputed."""

    class Sort(models.TextChoices):
        NAME = "name", "Name (A to Z)"
        RECENT = "recent", "Most recently signed"

    snapshot = models.ForeignKey(DirectorySnapshot, on_delete=models.CASCADE, related_name="entries")
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

    objects = DirectoryEntryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "slug"], name="one_directory_entry_per_slug"),
        ]
        indexes = [
            models.Index(fields=["snapshot", "sort_name"], name="directory_by_name"),
            models.Index(fields=["snapshot", "-signed_on", "sort_name"], name="directory_by_recent"),
            models.Index(fields=["snapshot", "sector"], name="directory_by_sector"),
            models.Index(fields=["snapshot", "kind"], name="directory_by_kind"),
            models.Index(fields=["snapshot", "year"], name="directory_by_year"),
        ]

    def __str__(self):
        return self.name


class DirectoryDeparture(models.Model):
    """A former partner in a directory snapshot: its page says why it is no longer listed."""

    snapshot = models.ForeignKey(DirectorySnapshot, on_delete=models.CASCADE, related_name="departures")
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


def search_key(text):
    """Fold case and strip accents, so "Café" and "cafe" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
