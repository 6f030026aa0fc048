"""A partner's pledge: its statuses, the team's decisions on it, its audit trail and changes of leader."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from organisations.models import Membership
from outbox.models import BouncedAddress
from pledge_portal import names

from .wording import PledgeVersion, RejectionReason


class PledgeQuerySet(models.QuerySet):
    def for_member(self, user):
        """Pledges a partner may see or change: its organisations' live pledges, and any it started.

        A pledge that ended (rejected, withdrawn, lapsed) stays with the person who
        started it: someone who joins the organisation later, perhaps to start
        again, does not see an earlier signatory's details.
        """
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(status__in=self.model.LIVE_STATUSES) | Q(created_by=user),
            organisation__memberships__user=user,
        )

    def in_directory(self):
        """Approved pledges: the partners the public directory lists (one per organisation)."""
        return self.filter(status=Pledge.Status.APPROVED)

    def to_invite_to_reaffirm(self, version):
        """Listed pledges signed against a wording older than `version`, not yet invited to reaffirm it."""
        from .reaffirmation import Reaffirmation  # its module imports this one

        invited = Reaffirmation.objects.filter(pledge=OuterRef("pk"), version=version)
        return self.in_directory().filter(version__number__lt=version.number).exclude(Exists(invited))

    def departed_from_directory(self):
        """Withdrawn and lapsed pledges of organisations that have no approved pledge now."""
        return self.filter(status__in=[Pledge.Status.WITHDRAWN, Pledge.Status.LAPSED]).exclude(
            organisation__pledges__status=Pledge.Status.APPROVED
        )

    # The programme team: decisions, dashboard, exports -------------------------

    def lapsed_since(self, since):
        """Lapsed pledges last changed (by their lapse, as a rule) since `since`, latest first."""
        return (
            self.filter(status=Pledge.Status.LAPSED, updated_at__gte=since)
            .select_related("organisation")
            .order_by("-updated_at")
        )

    def with_queue_details(self):
        """What each queue row shows: organisation, signatory, and whether it came back after changes."""
        resubmitted = PledgeEvent.objects.filter(pledge=OuterRef("pk"), kind=PledgeEvent.Kind.RESUBMITTED)
        return self.select_related("organisation", "created_by").annotate(is_resubmission=Exists(resubmitted))

    def with_decision_details(self):
        """Everything the team's pledge page shows, in a fixed number of queries.

        The pledge carries `signatory_bounce_reason`: why that person's address bounced, or None.
        Its people are `Pledge.people_with_bounces`.
        """
        from .cycles import Action, ReviewCycle  # their module imports this one

        actions = Action.objects.select_related("theme").prefetch_related("commitments")
        pledges = self.annotate(
            signatory_bounce_reason=BouncedAddress.objects.reason_subquery(OuterRef("created_by__email"))
        )
        return pledges.select_related(
            "organisation__parent", "version", "created_by", "rejection_reason"
        ).prefetch_related(
            "organisation__areas",
            models.Prefetch("actions", queryset=actions.filter(cycle__isnull=True), to_attr="draft_actions"),
            models.Prefetch(
                "cycles",
                queryset=ReviewCycle.objects.prefetch_related(models.Prefetch("actions", queryset=actions)),
            ),
            models.Prefetch("events", queryset=PledgeEvent.objects.select_related("actor")),
        )

    def count_by_status(self):
        return dict(self.order_by().values_list("status").annotate(count=Count("pk")))

    def count_by(self, field):
        """Rows of {field: value, "count": n}; distinct, as a field across a many-to-many repeats rows."""
        return self.order_by().values(field).annotate(count=Count("pk", distinct=True)).order_by(field)

    def signed_by_month(self):
        """How many pledges were signed (approved) each month, whatever happened to them since."""
        return (
            self.filter(signed_on__isnull=False)
            .order_by()
            .annotate(month=TruncMonth("signed_on"))
            .values("month")
            .annotate(count=Count("pk"))
            .order_by("month")
        )

    def first_decision_times(self):
        """(first submitted, first decided) for each pledge the team has decided at least once."""
        return (
            self.order_by()
            .annotate(
                first_submitted=Min("events__created_at", filter=Q(events__kind=PledgeEvent.Kind.SUBMITTED)),
                first_decided=Min(
                    "events__created_at", filter=Q(events__kind__in=PledgeEvent.DECISION_KINDS)
                ),
            )
            .filter(first_submitted__isnull=False, first_decided__isnull=False)
            .values_list("first_submitted", "first_decided")
        )

    def for_export(self):
        """Every pledge that reached the programme team, with what the partners export needs."""
        return (
            self.exclude(status=Pledge.Status.DRAFT)
            .select_related("organisation__parent", "version", "rejection_reason")
            .prefetch_related("organisation__areas")
            .annotate(cycle_count=Count("cycles"))
            .order_by("organisation__name", "created_at")
        )


class Pledge(models.Model):
    """An organisation's pledge, from first draft to approval and beyond."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Not approved"
        WITHDRAWN = "withdrawn", "Withdrawn"
        LAPSED = "lapsed", "Lapsed"

    # An organisation has at most one pledge in one of these states at a time.
    LIVE_STATUSES = (
        Status.DRAFT,
        Status.SUBMITTED,
        Status.CHANGES_REQUESTED,
        Status.APPROVED,
    )
    EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)
    # The NHS.UK tag colour each status shows in, on the partner's pages and the team's alike.
    STATUS_TAG_COLOURS = {
        Status.DRAFT: "white",
        Status.SUBMITTED: "blue",
        Status.CHANGES_REQUESTED: "orange",
        Status.APPROVED: "green",
        Status.REJECTED: "grey",
        Status.WITHDRAWN: "grey",
        Status.LAPSED: "grey",
    }

    class SignatoryRole(models.TextChoices):
        LEADER = "leader", "I am the leader of this organisation"
        AUTHORISED = "authorised", "I am authorised to sign on the leader's behalf"

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="pledges"
    )
    version = models.ForeignKey(PledgeVersion, on_delete=models.PROTECT, related_name="pledges")
    # Who started it. Unlinked (null) when they close their account: the pledge keeps the
    # signatory's name as signed, and the partner's record stays whole.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pledges_started",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)

    signatory_name = models.CharField("full name", max_length=200, blank=True)
    signatory_job_title = models.CharField("job title", max_length=200, blank=True)
    signatory_role = models.CharField(max_length=20, choices=SignatoryRole.choices, blank=True)
    leader_name = models.CharField("leader's full name", max_length=200, blank=True)
    leader_job_title = models.CharField("leader's job title", max_length=200, blank=True)

    agreed_to_commitments_at = models.DateTimeField(null=True, blank=True)
    # Choices of what the directory shows stay unset (None) until the partner makes them.
    show_actions = models.BooleanField(null=True, blank=True)
    show_signatory = models.BooleanField(default=False)
    show_logo = models.BooleanField(null=True, blank=True)

    # The valid answers of an action not yet complete, by its number ("1", "2"), so nothing typed is lost.
    action_drafts = models.JSONField(default=dict, blank=True)

    declaration_name = models.CharField(max_length=200, blank=True)
    changes_requested_message = models.TextField(blank=True)
    rejection_reason = models.ForeignKey(
        RejectionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    changes_requested_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status__in=["draft", "submitted", "changes_requested", "approved"]),
                name="one_live_pledge_per_organisation",
            ),
            *(
                names.one_line_of_plain_text(field, name=f"pledge_{field}_is_one_line_of_plain_text")
                for field in ("signatory_name", "leader_name", "declaration_name")
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.reference}: {self.organisation}"

    def people_with_bounces(self):
        """The people of this pledge's period, signatory first, each with `bounce_reason` (or None).

        Never those of another period: the people of a pledge that ended before this one
        began, or who joined after this one ended, are not this pledge's.
        """
        return (
            Membership.objects.filter(organisation=self.organisation_id)
            .of_period_at(self.created_at)
            .select_related("user")
            .annotate(bounce_reason=BouncedAddress.objects.reason_subquery(OuterRef("user__email")))
            .signatory_first()
        )

    @property
    def working_days_waiting(self):
        """Working days (Monday to Friday) since it was submitted, waiting for the team's decision."""
        if self.submitted_at is None:
            return None
        return working_days_between(timezone.localdate(self.submitted_at), timezone.localdate())

    @property
    def is_decision_overdue(self):
        waiting = self.working_days_waiting
        return waiting is not None and waiting > settings.DECISION_TARGET_WORKING_DAYS

    @property
    def decisions_allowed(self):
        """The decisions its status allows now (see DECISIONS), in the order pages offer them."""
        return [decision for decision, statuses in DECISIONS.items() if self.status in statuses]

    @property
    def reference(self):
        return f"TIP-{self.pk:05d}" if self.pk else "TIP-(unsaved)"

    @property
    def status_tag_colour(self):
        return self.STATUS_TAG_COLOURS[self.status]

    @property
    def is_editable(self):
        return self.status in self.EDITABLE_STATUSES

    @property
    def open_cycle(self):
        """The cycle awaiting review, if any (uses prefetched cycles when there are some)."""
        return next((cycle for cycle in self.cycles.all() if cycle.reviewed_at is None), None)

    @property
    def reviewed_cycles(self):
        return sorted((c for c in self.cycles.all() if c.reviewed_at is not None), key=lambda c: -c.number)


def with_live_pledge_flag(organisations):
    """Annotate `has_live_pledge` on organisations: whether a pledge is drafted, waiting or approved."""
    live = Pledge.objects.filter(organisation=OuterRef("pk"), status__in=Pledge.LIVE_STATUSES)
    return organisations.annotate(has_live_pledge=Exists(live))


# The programme team's decisions on a pledge and the statuses each is allowed from: the one
# table the services refuse by and the pages offer by. A partner withdrawing its own pledge
# is the "withdraw" decision too.
DECISIONS = {
    "approve": (Pledge.Status.SUBMITTED,),
    "request_changes": (Pledge.Status.SUBMITTED,),
    "reject": (Pledge.Status.SUBMITTED,),
    "withdraw": (Pledge.Status.APPROVED,),
    "reinstate": (Pledge.Status.WITHDRAWN, Pledge.Status.LAPSED),
}


def working_days_between(start, end):
    """Monday-to-Friday days after `start` up to and including `end` (0 if `end` is not later)."""
    if end <= start:
        return 0
    days = (end - start).days
    full_weeks, remainder = divmod(days, 7)
    extra = sum(1 for offset in range(1, remainder + 1) if (start.weekday() + offset) % 7 < 5)
    return full_weeks * 5 + extra


class PledgeEventQuerySet(models.QuerySet):
    def status_changes(self):
        return self.exclude(to_status="")

    def without_notes(self):
        return self.exclude(kind=PledgeEvent.Kind.NOTE)

    def for_export(self):
        return (
            self.without_notes().select_related("pledge__organisation", "actor").order_by("created_at", "pk")
        )


class PledgeEvent(models.Model):
    """The audit trail: who did what to a pledge, when, and between which states."""

    class Kind(models.TextChoices):
        CREATED = "created", "Started"
        SUBMITTED = "submitted", "Submitted"
        RESUBMITTED = "resubmitted", "Resubmitted"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REINSTATED = "reinstated", "Reinstated"
        LAPSED = "lapsed", "Lapsed"
        MORE_TIME = "more_time", "More time given for the annual review"
        RETURNED = "returned", "Returned after a lapse"
        SIGNATORY_CHANGED = "signatory_changed", "Signatory changed"
        REVIEWED = "reviewed", "Annual review recorded"
        REVIEW_ACKNOWLEDGED = "review_acknowledged", "Annual review acknowledged"
        REAFFIRMED = "reaffirmed", "Reaffirmed a new version of the pledge"
        NOTE = "note", "Internal note"

    # The programme team's decisions on a submitted pledge, for "days to decision".
    DECISION_KINDS = (Kind.APPROVED, Kind.CHANGES_REQUESTED, Kind.REJECTED)

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Pledge.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Pledge.Status.choices, blank=True)
    note = models.TextField(blank=True)
    # The version of the pledge an event is about: the one reaffirmed.
    version = models.ForeignKey(
        PledgeVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the team asks for changes: the partner's answers then, to show what changed on resubmission.
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PledgeEventQuerySet.as_manager()

    class Meta:
        ordering = ["pledge", "created_at", "pk"]
        indexes = [models.Index(fields=["pledge", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.pledge.reference})"


class SignatoryChange(models.Model):
    """A change of leader: started by the signatory, a contact or the team, completed by the new leader.

    The new leader, a member of the partner, reaffirms the pledge's commitments
    with a typed declaration; the row keeps both people and the dates.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for the new signatory"
        COMPLETED = "completed", "Completed"
        REPLACED = "replaced", "Replaced by a later change"

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="signatory_changes")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    # Kept unlinked (null) if the person closes their account; the names stay on the pledge and its events.
    new_signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_signatory_name = models.CharField(max_length=200)
    previous_signatory_job_title = models.CharField(max_length=200, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge"],
                condition=Q(status="waiting"),
                name="one_signatory_change_waiting_per_pledge",
            ),
            models.CheckConstraint(
                condition=Q(status="completed", completed_at__isnull=False)
                | (~Q(status="completed") & Q(completed_at__isnull=True)),
                name="signatory_change_completed_when_completed",
            ),
        ]

    def __str__(self):
        return f"{self.pledge.reference}: new signatory ({self.get_status_display().lower()})"
