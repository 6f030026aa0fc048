"""Organisations, the areas they serve, and the people who act for them."""

import hashlib
import re
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Length, Lower

from pledge_portal import names

from . import matching


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

    def possibly_same_as(self, *, name, website="", limit=10):
        """Organisations that may be the one described, by the rule in `organisations.matching`: a list.

        Likeliest first. One query narrows the candidates: every identifying word in the name, the
        name's distinctive word (so a typo elsewhere is still found), or the
        website's host. The rule then decides here, so the scan stays cheap however
        many partners there are.
        """
        words = [word for word in matching.name_words(name) if word != "and"]
        likely = Q()
        if words:
            likely |= Q(*(Q(name__icontains=word) for word in words))
        for host in matching.identifying_hosts(website):
            likely |= Q(website__icontains=host)
        if not likely:
            return []
        # Names with every word, or the same host, first; then shortest first: a name equal to
        # this one once normalised contains its words and little else, so it comes early even
        # when thousands share a common word.
        near = likely | Q(name__icontains=matching.distinctive_word(name)) if words else likely
        candidates = self.filter(near).order_by(
            Case(When(likely, then=Value(0)), default=Value(1)), Length("name"), "name"
        )[:200]
        return [
            organisation
            for organisation in candidates
            if matching.is_same_organisation(
                name=name, website=website, other_name=organisation.name, other_website=organisation.website
            )
        ][:limit]


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
            names.one_line_of_plain_text("name", name="organisation_name_has_no_control_characters"),
        ]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def signatory_first(self):
        """The signatory, then the contacts in the order they joined: how every list of people reads."""
        is_contact = models.Case(models.When(role=Membership.Role.SIGNATORY, then=0), default=1)
        return self.order_by(is_contact, "created_at", "pk")

    def people(self):
        """Active people, with their user, signatory first: whom a partner's emails go to."""
        return self.filter(user__is_active=True).select_related("user").signatory_first()

    def of_current_period(self):
        """The people who act for the organisation now: those who joined since its last pledge ended.

        The people of an ended period stay members, and still see their own history
        (`seen_by`), but the next pledge is not theirs: its signatory, its join requests
        and its emails belong to whoever joined since. Someone of an ended period who
        starts the next pledge joins it anew (pledges.services.signing.start_pledge).
        """
        last_end = (
            OrganisationEvent.objects.filter(
                organisation=OuterRef("organisation"), kind=OrganisationEvent.Kind.PERIOD_ENDED
            )
            .order_by("-created_at")
            .values("created_at")[:1]
        )
        return self.alias(period_began=Subquery(last_end)).filter(
            Q(period_began__isnull=True) | Q(created_at__gte=F("period_began"))
        )

    def of_period_at(self, moment):
        """The people of the period that was current at `moment` (a pledge's start), even once it ended."""
        ends = OrganisationEvent.objects.filter(
            organisation=OuterRef("organisation"), kind=OrganisationEvent.Kind.PERIOD_ENDED
        )
        began = ends.filter(created_at__lte=moment).order_by("-created_at").values("created_at")[:1]
        ended = ends.filter(created_at__gt=moment).order_by("created_at").values("created_at")[:1]
        return self.alias(period_began=Subquery(began), period_ended=Subquery(ended)).filter(
            Q(period_began__isnull=True) | Q(created_at__gte=F("period_began")),
            Q(period_ended__isnull=True) | Q(created_at__lt=F("period_ended")),
        )

    def seen_by(self, user):
        """The people `user`, a member, may see: nobody of a period they were not part of.

        A period of people ends each time the organisation's pledge ends (an
        OrganisationEvent). Someone who joined after such an end sees only the people
        who joined since the last end before they joined; those who were there
        before any end see everyone.
        """
        joined = Membership.objects.filter(organisation=OuterRef("organisation"), user=user).values(
            "created_at"
        )
        their_period_began = (
            OrganisationEvent.objects.filter(
                organisation=OuterRef("organisation"),
                kind=OrganisationEvent.Kind.PERIOD_ENDED,
                created_at__lte=Subquery(joined[:1]),
            )
            .order_by("-created_at")
            .values("created_at")[:1]
        )
        return self.alias(their_period_began=Subquery(their_period_began)).filter(
            Q(their_period_began__isnull=True) | Q(created_at__gte=F("their_period_began"))
        )


def emails_of(people):
    """The addresses of `people` (memberships), each once, in their order."""
    return list(dict.fromkeys(membership.user.email for membership in people))


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


class JoinRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=JoinRequest.Status.PENDING)

    def for_team(self):
        """Requests only the programme team can answer: the organisation has nobody active in its current
        period to ask."""
        asked = Membership.objects.filter(organisation=OuterRef("organisation"), user__is_active=True)
        return self.pending().exclude(Exists(asked.of_current_period()))


class JoinRequest(models.Model):
    """Someone asks to act for an organisation they chose while signing, but do not belong to.

    Choosing an organisation never makes anyone a member: one of its members, or
    the programme team when it has none, decides.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(status="pending"),
                name="one_pending_join_request_per_user_and_organisation",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="join_request_decided_when_not_pending",
            ),
        ]

    def __str__(self):
        return f"{self.user} asks to join {self.organisation}"


class OrganisationEvent(models.Model):
    """The audit trail of an organisation: who joined, left or asked to join, and who changed its details."""

    class Kind(models.TextChoices):
        JOIN_REQUESTED = "join_requested", "Asked to join"
        JOIN_APPROVED = "join_approved", "Request to join approved"
        JOIN_DECLINED = "join_declined", "Request to join declined"
        CONTACT_REMOVED = "contact_removed", "Contact removed"
        INVITATIONS_ENDED = "invitations_ended", "Pending invitations ended"
        DETAILS_CHANGED = "details_changed", "Details changed"
        # Whoever joins after this sees none of the people who joined before (Membership.objects.seen_by).
        PERIOD_ENDED = "period_ended", "Pledge ended or draft deleted: a new period of people begins"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # Who acted, and whom it was about: kept unlinked (null) if either closes their account.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.organisation}"


class NameChange(models.Model):
    """A partner's request for a new name, and the programme team's decision on it: the record of both."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="name_changes")
    old_name = models.CharField(max_length=200)
    new_name = models.CharField(max_length=200)
    reason = models.TextField(max_length=2000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            names.one_line_of_plain_text("new_name", name="name_change_new_name_is_one_line_of_plain_text"),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="requested"),
                name="one_name_change_waiting_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(status="requested", decided_at__isnull=True)
                | (~Q(status="requested") & Q(decided_at__isnull=False)),
                name="name_change_decided_when_not_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.old_name} → {self.new_name} ({self.get_status_display().lower()})"


class OldSlug(models.Model):
    """An address an organisation had before a change of name: it answers 301 to the current one, forever."""

    slug = models.SlugField(max_length=220, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return f"{self.slug} → {self.organisation.slug}"
