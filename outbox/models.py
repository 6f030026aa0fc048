"""The outbox's tables: every email the portal sends, and the addresses that bounced."""

from email.utils import make_msgid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone


def new_message_id():
    """A Message-ID for a new outbox email: kept on every try, so a receiver can drop a duplicate."""
    return make_msgid(domain=settings.EMAIL_MESSAGE_ID_DOMAIN)


class OutboxEmailQuerySet(models.QuerySet):
    def about(self, *objs):
        """Emails about any of `objs`, all of one model (pledges, say)."""
        if not objs:
            return self.none()
        about_type = ContentType.objects.get_for_model(objs[0])
        return self.filter(about_type=about_type, about_id__in=[obj.pk for obj in objs])

    def sent_to(self, user):
        """Emails queued to `user`'s account, at whichever address it had then: theirs, by account."""
        return self.filter(recipient=user)

    def due(self, *, now):
        """Emails a worker should be given now: queued and due, or claimed by a worker that died."""
        return self.filter(
            Q(status=OutboxEmail.Status.QUEUED, next_attempt_at__lte=now)
            | Q(status=OutboxEmail.Status.SENDING, claimed_until__lt=now)
        )

    def unsent(self):
        """Emails still on their way: queued, or being sent."""
        return self.filter(status__in=[OutboxEmail.Status.QUEUED, OutboxEmail.Status.SENDING])

    def failed(self):
        return self.filter(status=OutboxEmail.Status.FAILED)

    def failed_for_team(self):
        """Failed emails, newest failure first, with whether the recipient bounces."""
        return (
            self.failed()
            .annotate(bounce_reason=BouncedAddress.objects.reason_subquery(OuterRef("to")))
            .order_by(F("failed_at").desc(nulls_last=True), "-pk")
        )


class OutboxEmail(models.Model):
    """An email to send, written in the same transaction as the change that caused it.

    Delivery is at least once: a worker claims the row (SENDING, until
    `claimed_until`), talks to the SMTP server with no transaction open, then
    marks it SENT. Only a worker dying between the server's "250 OK" and that
    mark sends it twice, and both copies carry the same Message-ID.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.EmailField()
    # The account `to` belonged to (its verified owner) when the email was queued, or null when no account
    # did. An address can change hands: what was sent to it stays the earlier owner's, in their data download
    # and when they close their account, and is never the next owner's.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, unique=True, default=new_message_id, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the sweep should next hand a QUEUED email to a worker.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # How long a worker's SENDING claim lasts; after it the sweep takes the email back.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # What the email is about (a pledge, say), for the team's list of failed emails. Generic, so
    # the outbox knows no domain model; the app that shows the list knows what to expect.
    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("resend_outboxemail", "Can send failed emails again")]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_by_status_created"),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_by_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_until__isnull=False),
                name="outbox_sending_has_a_claim",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="outbox_sent_has_a_time",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class BouncedAddressQuerySet(models.QuerySet):
    def matching(self, email):
        """The bounce for `email` (an address, or an OuterRef to one), ignoring case like the constraint."""
        if isinstance(email, str):
            email = Value(email)
        return self.filter(Exact(Lower("email"), Lower(email)))

    def reason_for(self, email):
        """What the server said when it refused `email` for good, or None if it has not bounced."""
        return self.matching(email).values_list("reason", flat=True).first()

    def reason_subquery(self, outer_email):
        """The same, as a subquery: annotate rows with why their address bounced, with no query of its own."""
        return Subquery(self.matching(outer_email).values("reason")[:1])


class BouncedAddress(models.Model):
    """An address a receiving server refused for good (a 5xx answer): flagged until an email gets through."""

    email = models.EmailField()
    reason = models.TextField()
    bounced_at = models.DateTimeField(default=timezone.now)

    objects = BouncedAddressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "bounced addresses"
        constraints = [models.UniqueConstraint(Lower("email"), name="unique_bounced_address_ignoring_case")]

    def __str__(self):
        return self.email
