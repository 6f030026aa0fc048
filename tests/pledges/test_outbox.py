"""The email outbox: written with the change, sent once, retried, and swept when the broker was down."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from pledges import services, tasks
from pledges.models import OutboxEmail
from tests.support.email_backends import FailingOnceBackend
from tests.support.waiting import wait_for

FAILING_ONCE = "tests.support.email_backends.FailingOnceBackend"
ALWAYS_FAILING = "tests.support.email_backends.AlwaysFailingBackend"


def queue(to="leader@example.org"):
    return services.queue_email(to=to, subject="Thank you", body_text="Thank you for signing.")


@pytest.mark.django_db
def test_an_email_queued_in_a_rolled_back_transaction_is_never_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the change failed")
    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_committed_email_is_sent_after_commit_and_marked_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        email = queue()
        assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.sent_at is not None
    assert [m.to for m in mail.outbox] == [["leader@example.org"]]


@pytest.mark.django_db
def test_a_send_that_fails_once_is_retried_and_sent_once(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = FAILING_ONCE
    FailingOnceBackend.failures_left = 1
    with django_capture_on_commit_callbacks(execute=True):
        email = queue()
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 2
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_send_that_keeps_failing_is_marked_failed_with_the_error(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = ALWAYS_FAILING
    with django_capture_on_commit_callbacks(execute=True):
        email = queue()
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert email.attempts == tasks.send_email.max_retries + 1
    assert "SMTP server unavailable" in email.last_error


@pytest.mark.django_db
def test_sending_an_already_sent_email_again_does_nothing():
    email = queue()
    assert services.send_outbox_email(email_id=email.pk) is True
    assert services.send_outbox_email(email_id=email.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_failed_emails_can_be_queued_again_by_staff(django_capture_on_commit_callbacks):
    email = queue()
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_emails(email_ids=[email.pk]) == 1
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT


def test_a_real_worker_on_redis_delivers_an_outbox_email(celery_worker):
    with transaction.atomic():
        email = queue()
    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT)
    assert [m.subject for m in mail.outbox] == ["Thank you"]


def test_an_email_queued_while_the_broker_was_down_is_sent_once_by_the_sweep(transactional_db, request):
    request.getfixturevalue("broker_down")
    with transaction.atomic():
        email = queue()  # enqueueing fails after commit; the row must survive
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.QUEUED
    request.getfixturevalue("celery_worker")  # the broker is back, with a worker

    OutboxEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(hours=1))
    tasks.send_queued_emails.delay()
    tasks.send_queued_emails.delay()  # a second sweep, as beat would run, must not send it again
    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT)
    time.sleep(1)  # give the second sweep time to do any harm
    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.get(pk=email.pk).attempts == 1
