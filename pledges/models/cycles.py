"""A pledge's years: each review cycle and the two actions of each."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from pledges import calendar

from .pledge import Pledge
from .wording import ActionTheme, Commitment


class ReviewCycleQuerySet(models.QuerySet):
    def for_member(self, user):
        """Cycles of the pledges `user` may see or change as a member of the organisation.

        Members see a lapsed pledge's cycles too, so that any of them can complete the overdue review.
        """
        if not user.is_authenticated:
            return self.none()
        lapsed = Pledge.objects.filter(status=Pledge.Status.LAPSED, organisation__memberships__user=user)
        return self.filter(Q(pledge__in=Pledge.objects.for_member(user)) | Q(pledge__in=lapsed))

    def awaiting_review(self):
        """Cycles of approved pledges still to be reviewed: the only ones reminders are for."""
        return self.filter(reviewed_at__isnull=True, pledge__status=Pledge.Status.APPROVED)

    def reviewed(self):
        return self.filter(reviewed_at__isnull=False)

    def due_soon(self, *, on):
        """Awaiting review and due soon or due today on `on` (see calendar.due_soon)."""
        return self.awaiting_review().filter(calendar.due_soon(on=on))

    def overdue(self, *, on):
        return self.awaiting_review().filter(calendar.reached(calendar.Stage.OVERDUE, on=on))

    def lapsing_by(self, day):
        """Awaiting review, and its lapse day (see calendar.lapse_day) is `day` or earlier."""
        return self.awaiting_review().filter(calendar.LAPSE_DAY.reached(day))

    def by_due_date(self):
        """Oldest due first, with each partner: as the team's lists of reviews show them."""
        return self.select_related("pledge__organisation").order_by("due_on", "pk")

    def reviewed_since(self, since):
        """Reviewed since `since`, latest first, with each partner and who reviewed."""
        return (
            self.reviewed()
            .filter(reviewed_at__gte=since)
            .select_related("pledge__organisation", "reviewed_by")
            .order_by("-reviewed_at")
        )

    def progress(self, *, on):
        """Annual reviews of approved pledges: done, overdue, due soon and not yet due, on date `on`."""
        awaiting = Q(reviewed_at__isnull=True)
        return self.filter(pledge__status=Pledge.Status.APPROVED).aggregate(
            done=Count("pk", filter=Q(reviewed_at__isnull=False)),
            overdue=Count("pk", filter=awaiting & calendar.reached(calendar.Stage.OVERDUE, on=on)),
            due=Count("pk", filter=awaiting & calendar.due_soon(on=on)),
            upcoming=Count("pk", filter=awaiting & ~calendar.reached(calendar.Stage.DUE_SOON, on=on)),
        )


class ReviewCycle(models.Model):
    """Year N of an approved pledge: its two actions, due for review 12 months on."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    due_on = models.DateField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message_to_team = models.TextField(
        blank=True, help_text="Anything else the partner shared with the programme team (private)."
    )
    # Unset (None) until the partner chooses during the review; the choice starts at the pledge's own.
    show_progress = models.BooleanField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledgement_message = models.TextField(blank=True)
    # Set when the programme team gives the partner more time: the review is then due by this
    # date, and the pledge does not lapse before it (see calendar.lapse_day).
    more_time_until = models.DateField("new due date", null=True, blank=True)

    objects = ReviewCycleQuerySet.as_manager()

    class Meta:
        ordering = ["pledge", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "number"], name="one_cycle_per_year_of_pledge"),
            models.UniqueConstraint(
                fields=["pledge"], condition=Q(reviewed_at__isnull=True), name="one_open_cycle_per_pledge"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gt=models.F("starts_on")), name="cycle_due_after_start"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(reviewed_at__isnull=True), name="cycle_awaiting_review_due"
            ),
        ]

    def __str__(self):
        return f"{self.pledge.organisation}: year {self.number}"

    def days_overdue(self, *, on):
        return calendar.days_overdue(self, on=on)

    @property
    def lapses_on(self):
        """The day the pledge becomes due to lapse if this cycle is still not reviewed."""
        return calendar.lapse_day(self)

    @property
    def is_overdue(self):
        return self.reviewed_at is None and calendar.has_reached(
            self, calendar.Stage.OVERDUE, on=timezone.localdate()
        )

    @property
    def shows_progress(self):
        """The partner's choice to show this year's progress, or, until they choose, the pledge's own."""
        if self.show_progress is None:
            return bool(self.pledge.show_actions)
        return self.show_progress


class ActionQuerySet(models.QuerySet):
    def shown(self):
        """Actions of approved pledges whose partner chose to show them, in a review cycle (not drafts)."""
        return self.in_cycles().filter(pledge__status=Pledge.Status.APPROVED, pledge__show_actions=True)

    def in_cycles(self):
        """Actions a partner committed to for a year (drafts not yet in a cycle are left out)."""
        return self.filter(cycle__isnull=False)

    def count_by(self, *fields):
        return self.order_by().values(*fields).annotate(count=Count("pk")).order_by(*fields)

    def for_export(self):
        """One row per action per cycle, with what the actions export needs."""
        return (
            self.in_cycles()
            .select_related("pledge__organisation", "cycle", "theme")
            .prefetch_related("commitments")
            .order_by("pledge__organisation__name", "pledge_id", "cycle__number", "number")
        )


class Action(models.Model):
    """One of a pledge's two actions for a cycle.

    Actions with no cycle yet are drafts: the two written while signing (they
    join cycle 1 on approval) or the next two written during a review.
    """

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        ONGOING = "ongoing", "Ongoing: part of how we work now"

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="actions")
    cycle = models.ForeignKey(
        ReviewCycle, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    number = models.PositiveSmallIntegerField()
    theme = models.ForeignKey(ActionTheme, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=2000)
    is_continuing = models.BooleanField(
        default=False, help_text="Continues work already under way, rather than new work."
    )
    commitments = models.ManyToManyField(Commitment, related_name="actions")
    target_date = models.DateField(null=True, blank=True)

    progress = models.CharField(max_length=20, choices=Progress.choices, blank=True)
    what_happened = models.TextField(blank=True)
    what_helped = models.TextField("what helped or got in the way", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["pledge", "cycle__number", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(number__in=[1, 2]), name="action_numbered_one_or_two"),
            models.UniqueConstraint(
                fields=["cycle", "number"],
                condition=Q(cycle__isnull=False),
                name="two_actions_per_cycle",
            ),
            models.UniqueConstraint(
                fields=["pledge", "number"],
                condition=Q(cycle__isnull=True),
                name="two_draft_actions_per_pledge",
            ),
        ]

    def __str__(self):
        return f"Action {self.number}: {self.title}"
