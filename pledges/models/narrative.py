"""The programme team's words for each year of the annual programme report."""

from django.conf import settings
from django.db import models


class ReportNarrative(models.Model):
    """The programme team's words for one year of the annual programme report (see pledges/report.py)."""

    year = models.PositiveSmallIntegerField(unique=True)
    text = models.TextField(max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return f"Report narrative for {self.year}"
