"""Partners' answers to a new wording of the pledge: each invitation to reaffirm it."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q

from .pledge import Pledge
from .wording import PledgeVersion


class ReaffirmationQuerySet(models.QuerySet):
    def awaiting(self):
        """Invitations of partners still listed that have not reaffirmed yet."""
        return self.filter(reaffirmed_at__isnull=True, pledge__status=Pledge.Status.APPROVED)

    def progress(self):
        """How many partners were invited, have reaffirmed, and (still listed) have not yet."""
        return self.aggregate(
            invited=Count("pk"),
            reaffirmed=Count("pk", filter=Q(reaffirmed_at__isnull=False)),
            awaiting=Count("pk", filter=Q(reaffirmed_at__isnull=True, pledge__status=Pledge.Status.APPROVED)),
        )


class Reaffirmation(models.Model):
    """A partner's invitation to reaffirm a new version of the pledge, and its answer; one per version."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="reaffirmations")
    version = models.ForeignKey(PledgeVersion, on_delete=models.PROTECT, related_name="reaffirmations")
    invited_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reaffirmed_at = models.DateTimeField(null=True, blank=True)
    reaffirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declaration_name = models.CharField(max_length=200, blank=True)

    objects = ReaffirmationQuerySet.as_manager()

    class Meta:
        ordering = ["version", "invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "version"], name="one_reaffirmation_per_pledge_and_version"
            ),
        ]

    def __str__(self):
        return f"{self.pledge.reference}: {self.version}"
