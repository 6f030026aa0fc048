"""The programme team's narrative for each year of the annual programme report."""

from django.db import transaction

from accounts.models import User
from pledge_portal.errors import NotAllowed
from pledges.models import ReportNarrative


def save_report_narrative(*, year: int, text: str, by: User) -> ReportNarrative:
    """Write (or rewrite) the team's narrative for programme year `year`; only the team may."""
    if not by.is_programme_team:
        raise NotAllowed("Only the programme team can write the report's narrative.")
    with transaction.atomic():
        narrative, _ = ReportNarrative.objects.update_or_create(
            year=year, defaults={"text": text.strip(), "updated_by": by}
        )
    return narrative
