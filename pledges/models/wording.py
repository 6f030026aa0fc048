"""The pledge's wording: its versions, their commitments, the themes actions are filed under, and the
reasons the team gives for not approving."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PledgeVersionQuerySet(models.QuerySet):
    def published(self):
        """Versions the team has published, whether or not they have taken effect yet."""
        return self.filter(published_on__isnull=False)

    def in_effect(self, *, on=None):
        """Published versions whose effective date has come."""
        return self.filter(published_on__lte=on or timezone.localdate())

    def current(self):
        """The version new pledges are signed against: the newest in effect."""
        return self.in_effect().order_by("-number").first()

    def draft(self):
        """The version the team is drafting, if any (there is at most one)."""
        return self.filter(published_on__isnull=True).first()

    def previous_to(self, version):
        """The published version before `version`, if any."""
        return self.published().filter(number__lt=version.number).order_by("-number").first()


class PledgeVersion(models.Model):
    """One wording of the pledge. A signed pledge keeps the version it was signed against.

    A version with no `published_on` is the team's draft; publishing sets the
    date it takes effect, from which new signatories sign it.
    """

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    introduction = models.TextField(help_text="The pledge's own introduction, as published.")
    example_actions = models.TextField(
        blank=True, help_text="The example actions the pledge gives, one a line, as published."
    )
    published_on = models.DateField(
        null=True, blank=True, help_text="The date it takes effect; unset while it is a draft."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set by the team's one reminder to partners that have not reaffirmed this version.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = PledgeVersionQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                models.Value(True), condition=Q(published_on__isnull=True), name="one_draft_pledge_version"
            ),
        ]

    def __str__(self):
        return f"Version {self.number}"

    @property
    def is_draft(self):
        return self.published_on is None

    @property
    def example_action_list(self):
        return [line.strip() for line in self.example_actions.splitlines() if line.strip()]


class Commitment(models.Model):
    """One of the Active Commitments, worded exactly as in the version it belongs to."""

    version = models.ForeignKey(PledgeVersion, on_delete=models.PROTECT, related_name="commitments")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(
        max_length=100, help_text="A short label for tables and charts; not part of the pledge."
    )
    text = models.TextField()

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="one_commitment_per_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="commitment_number_from_one"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class ActionThemeQuerySet(models.QuerySet):
    def examples(self):
        return self.filter(is_example=True)


class ActionTheme(models.Model):
    """A kind of action: the pledge's five examples, plus "Other"."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    is_example = models.BooleanField(default=True, help_text="One of the example actions the pledge gives.")
    position = models.PositiveSmallIntegerField(default=0)

    objects = ActionThemeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class RejectionReason(models.Model):
    """A coded reason for rejecting a pledge, managed by staff in admin."""

    code = models.SlugField(unique=True)
    label = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]

    def __str__(self):
        return self.label
