"""The outbox's reads: bounced addresses matched whatever their case, failed emails as the team sees them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outbox.models import BouncedAddress, OutboxEmail
from tests.factories import OutboxEmailFactory

pytestmark = pytest.mark.django_db


def test_a_bounced_address_is_found_whatever_the_case_it_is_asked_for_in():
    BouncedAddress.objects.create(email="Gone@Example.org", reason="550 5.1.1 No such mailbox")
    assert BouncedAddress.objects.reason_for("gone@example.org") == "550 5.1.1 No such mailbox"
    assert BouncedAddress.objects.reason_for("GONE@EXAMPLE.ORG") == "550 5.1.1 No such mailbox"
    assert BouncedAddress.objects.reason_for("gone@example.com") is None


def test_failed_emails_for_the_team_are_newest_failure_first_and_know_which_addresses_bounce():
    now = timezone.now()
    older = OutboxEmailFactory(failed=True, to="GONE@example.org", failed_at=now - timedelta(hours=1))
    newer = OutboxEmailFactory(failed=True, to="fine@example.org", failed_at=now)
    OutboxEmailFactory(status=OutboxEmail.Status.SENT, sent_at=now)
    BouncedAddress.objects.create(email="gone@example.org", reason="550 5.1.1 No such mailbox")
    emails = list(OutboxEmail.objects.failed_for_team())
    assert emails == [newer, older]
    assert [email.bounce_reason for email in emails] == [None, "550 5.1.1 No such mailbox"]
