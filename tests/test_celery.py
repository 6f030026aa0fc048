"""Enqueueing on a frozen broker never holds up a leader's submit or an approval; the sweep sends later.

A frozen broker accepts connections and never answers (like Redis stuck on a
full disk). The pages enqueue after commit with short timeouts, so they answer
at once and leave the outbox rows queued; once the broker is back, the sweep
hands them to a real worker, which sends each once through a real SMTP server.
"""

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outbox import services as outbox
from outbox import tasks as outbox_tasks
from outbox.models import OutboxEmail
from pledges.models import Pledge
from tests.factories import PledgeFactory, UserFactory
from tests.support.delivery import delivered_to
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

# Far more than a page should take; far less than a broker client left to wait on its own.
PROMPT_SECONDS = 2


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def timed_post(client, path, data):
    started = time.monotonic()
    response = client.post(path, data)
    return response, time.monotonic() - started


def enqueue_failures(caplog):
    return [record for record in caplog.records if record.getMessage().startswith("Could not enqueue")]


def test_a_leaders_submit_answers_at_once_with_a_frozen_broker_and_the_sweep_sends_both_emails_later(
    request, frozen_broker, smtp_server, caplog
):
    leader = UserFactory(email="leader@example.org")
    pledge = PledgeFactory(created_by=leader, signatory_name="Sam Okafor")

    declaration = reverse("pledges:sign_declaration", kwargs={"pk": pledge.pk})
    leaders_browser = signed_in(leader)
    assert leaders_browser.get(declaration).status_code == 200  # the page the leader signs on

    response, seconds = timed_post(leaders_browser, declaration, {"declaration_name": "Sam Okafor"})

    assert response.status_code == 302
    assert response.url == reverse("pledges:sign_submitted", kwargs={"pk": pledge.pk})
    assert seconds < PROMPT_SECONDS, f"the submit took {seconds:.2f} s"
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    emails = OutboxEmail.objects.about(pledge)
    assert sorted(emails.values_list("to", "status", "attempts")) == [
        (settings.PROGRAMME_TEAM_EMAIL, OutboxEmail.Status.QUEUED, 0),
        ("leader@example.org", OutboxEmail.Status.QUEUED, 0),
    ]
    assert len(enqueue_failures(caplog)) == 1  # the second enqueue waited for nothing
    assert smtp_server.received == []

    # The broker is back: a real worker on Redis, and the sweep beat would run.
    request.getfixturevalue("celery_worker")
    emails.update(next_attempt_at=timezone.now())
    outbox_tasks.send_queued_emails.delay()

    assert wait_for(lambda: not emails.exclude(status=OutboxEmail.Status.SENT).exists())
    confirmation, _ = delivered_to(smtp_server, "leader@example.org")
    assert confirmation["Subject"] == f"Thank you for signing the pledge ({pledge.reference})"
    notice, _ = delivered_to(smtp_server, settings.PROGRAMME_TEAM_EMAIL)
    assert notice["Subject"].startswith("New pledge to decide:")
    assert outbox.send_due_emails() == 0  # nothing left for a later sweep to send again
    assert len(smtp_server.received) == 2


def test_approving_answers_at_once_with_a_frozen_broker_and_the_approval_stands(
    frozen_broker, programme_team_member, caplog
):
    pledge = PledgeFactory(submitted=True)

    reviewers_browser = signed_in(programme_team_member)
    assert reviewers_browser.get(reverse("team:pledge", args=[pledge.pk])).status_code == 200  # read first

    response, seconds = timed_post(reviewers_browser, reverse("team:approve", args=[pledge.pk]), {})

    assert response.status_code == 302
    assert response.url == reverse("team:pledge", args=[pledge.pk])
    assert seconds < PROMPT_SECONDS, f"the approval took {seconds:.2f} s"
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED
    assert pledge.cycles.count() == 1
    # The approval email waits for the sweep; the directory's rebuild was not enqueued.
    assert list(OutboxEmail.objects.about(pledge).values_list("status", flat=True)) == [
        OutboxEmail.Status.QUEUED
    ]
    (failure,) = enqueue_failures(caplog)
    assert "outbox.tasks.send_email" in failure.getMessage()
