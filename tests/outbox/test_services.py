"""The email outbox through a real SMTP server: sent once, retried by the sweep, failed for good."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from outbox import services as outbox
from outbox import tasks as outbox_tasks
from outbox.models import BouncedAddress, OutboxEmail
from tests.support.waiting import wait_for


def queue(to="leader@example.org"):
    return outbox.queue_email(to=to, subject="Thank you", body_text="Thank you for signing.")


def due_now(email):
    OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())


@pytest.mark.django_db
def test_an_email_queued_in_a_rolled_back_transaction_is_never_sent(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the change failed")
    assert OutboxEmail.objects.count() == 0
    assert smtp_server.received == []


@pytest.mark.django_db
def test_a_committed_email_reaches_the_smtp_server_after_commit_with_its_message_id(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        email = queue()
        assert smtp_server.received == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.sent_at is not None
    (received,) = smtp_server.received
    assert received.rcpt_tos == ["leader@example.org"]
    assert received["From"] == settings.DEFAULT_FROM_EMAIL
    assert received["Subject"] == "Thank you"
    assert received["Message-ID"] == email.message_id
    assert received.text.strip() == "Thank you for signing."


@pytest.mark.django_db
def test_the_default_sender_with_a_comma_in_the_programme_name_is_accepted_by_smtp(smtp_server, settings):
    assert "," in settings.PROGRAMME_NAME
    email = queue()
    outbox.send_outbox_email(email_id=email.pk)
    (received,) = smtp_server.received
    assert received["From"].addresses[0].display_name == settings.PROGRAMME_NAME
    assert received["From"].addresses[0].addr_spec == settings.PROGRAMME_TEAM_EMAIL


@pytest.mark.django_db
def test_every_email_has_its_own_message_id_that_stays_the_same_on_every_try(smtp_server):
    first, second = queue(), queue()
    assert first.message_id != second.message_id
    smtp_server.handler.replies.append("451 4.3.0 Try again later")
    outbox.send_outbox_email(email_id=first.pk)
    due_now(first)
    outbox.send_outbox_email(email_id=first.pk)
    assert [m["Message-ID"] for m in smtp_server.received] == [first.message_id]


@pytest.mark.django_db
def test_a_451_answer_keeps_the_email_queued_with_a_backoff_for_the_sweep(smtp_server):
    smtp_server.handler.replies.append("451 4.3.0 Try again later")
    email = queue()
    assert outbox.send_outbox_email(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.QUEUED
    assert email.attempts == 1
    assert email.last_error == "451 4.3.0 Try again later"
    assert email.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert email.claimed_until is None


@pytest.mark.django_db
def test_the_sweep_sends_a_temporarily_failed_email_once_it_is_due(smtp_server):
    smtp_server.handler.replies.append("451 4.3.0 Try again later")
    email = queue()
    outbox.send_outbox_email(email_id=email.pk)
    assert outbox.send_due_emails() == 0  # not due yet: the backoff holds it
    due_now(email)
    assert outbox.send_due_emails() == 1  # eager here: the task runs in this process
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 2
    assert len(smtp_server.received) == 1


@pytest.mark.django_db
def test_a_refused_connection_is_temporary_and_the_email_arrives_when_the_server_is_back(smtp_server):
    email = queue()
    smtp_server.stop()
    outbox.send_outbox_email(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.QUEUED
    assert "ConnectionRefusedError" in email.last_error
    smtp_server.start()
    due_now(email)
    outbox.send_due_emails()
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert len(smtp_server.received) == 1


@pytest.mark.django_db
def test_temporary_failures_back_off_longer_each_time_up_to_the_limit(smtp_server, settings):
    settings.OUTBOX_MAX_BACKOFF_SECONDS = 5 * 60
    smtp_server.handler.replies.extend(["451 busy"] * 5)
    email = queue()
    waits = []
    for _ in range(5):
        due_now(email)
        before = timezone.now()
        outbox.send_outbox_email(email_id=email.pk)
        email.refresh_from_db()
        waits.append(round((email.next_attempt_at - before).total_seconds() / 60))
    assert waits == [1, 2, 4, 5, 5]


@pytest.mark.django_db
def test_an_email_still_failing_after_the_give_up_time_is_marked_failed(smtp_server, settings, caplog):
    email = queue()
    OutboxEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.OUTBOX_GIVE_UP_AFTER_HOURS, minutes=1)
    )
    smtp_server.handler.replies.append("421 4.7.0 Service not available")
    outbox.send_outbox_email(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert email.failed_at is not None
    assert email.last_error == "421 4.7.0 Service not available"
    assert any(r.levelname == "ERROR" and "failed for good" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_a_5xx_answer_fails_the_email_at_once_with_the_servers_reply(smtp_server):
    smtp_server.handler.replies.append("554 5.7.1 Message rejected as spam")
    email = queue()
    outbox.send_outbox_email(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert email.attempts == 1
    assert email.last_error == "554 5.7.1 Message rejected as spam"
    assert not BouncedAddress.objects.exists()  # the message was refused, not the address


@pytest.mark.django_db
def test_an_address_refused_for_good_is_flagged_as_bounced_until_an_email_gets_through(smtp_server):
    smtp_server.handler.refuse_recipients["gone@example.org"] = "550 5.1.1 No such mailbox"
    email = queue(to="Gone@example.org")
    outbox.send_outbox_email(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert email.last_error == "550 5.1.1 No such mailbox"
    bounce = BouncedAddress.objects.get()
    assert bounce.email == "Gone@example.org"
    assert bounce.reason == "550 5.1.1 No such mailbox"

    smtp_server.handler.refuse_recipients.clear()
    later = queue(to="gone@example.org")
    outbox.send_outbox_email(email_id=later.pk)
    assert not BouncedAddress.objects.exists()


@pytest.mark.django_db
def test_a_stalled_smtp_server_times_out_and_leaves_the_email_queued(smtp_server, settings):
    settings.EMAIL_TIMEOUT = 1
    smtp_server.handler.stall_seconds = 3
    email = queue()
    started = time.monotonic()
    outbox.send_outbox_email(email_id=email.pk)
    assert time.monotonic() - started < 2.5
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.QUEUED
    assert "timed out" in email.last_error


@pytest.mark.django_db
def test_sending_an_already_sent_email_again_does_nothing(smtp_server):
    email = queue()
    assert outbox.send_outbox_email(email_id=email.pk) is True
    assert outbox.send_outbox_email(email_id=email.pk) is False
    assert len(smtp_server.received) == 1


@pytest.mark.django_db
def test_a_task_that_finds_another_workers_fresh_claim_backs_off(smtp_server):
    email = queue()
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.SENDING, claimed_until=timezone.now() + timedelta(minutes=5), attempts=1
    )
    assert outbox.send_outbox_email(email_id=email.pk) is False
    assert outbox.send_due_emails() == 0
    assert smtp_server.received == []


@pytest.mark.django_db
def test_the_sweep_takes_back_an_email_whose_worker_died_mid_send(smtp_server):
    email = queue()
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.SENDING, claimed_until=timezone.now() - timedelta(seconds=1), attempts=1
    )
    assert outbox.send_due_emails() == 1
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 2
    assert [m["Message-ID"] for m in smtp_server.received] == [email.message_id]


@pytest.mark.django_db
def test_the_database_refuses_a_sending_email_without_a_claim():
    email = queue()
    with pytest.raises(Exception, match="outbox_sending_has_a_claim"), transaction.atomic():
        OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.SENDING)


@pytest.mark.django_db
def test_failed_emails_can_be_queued_again_by_staff(smtp_server, django_capture_on_commit_callbacks):
    email = queue()
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.FAILED, failed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.requeue_emails(email_ids=[email.pk]) == 1
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.failed_at is None
    assert len(smtp_server.received) == 1


def test_a_real_worker_on_redis_delivers_an_outbox_email_through_smtp(smtp_server, celery_worker):
    with transaction.atomic():
        email = queue()
    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT)
    assert [m["Subject"] for m in smtp_server.received] == ["Thank you"]


@pytest.mark.broker
def test_an_email_queued_while_the_broker_was_down_is_sent_once_by_the_sweep(
    transactional_db, smtp_server, request
):
    request.getfixturevalue("broker_down")
    with transaction.atomic():
        email = queue()  # enqueueing fails after commit; the row must survive
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.QUEUED
    request.getfixturevalue("celery_worker")  # the broker is back, with a worker

    due_now(email)
    outbox_tasks.send_queued_emails.delay()
    outbox_tasks.send_queued_emails.delay()  # a second beat's sweep must not send it again
    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT)
    time.sleep(1)  # give the second sweep time to do any harm
    assert len(smtp_server.received) == 1
    assert OutboxEmail.objects.get(pk=email.pk).attempts == 1


def test_enqueueing_on_a_frozen_broker_gives_up_fast_and_skips_the_rest(
    transactional_db, frozen_broker, caplog
):
    started = time.monotonic()
    with transaction.atomic():
        emails = [queue(to=f"leader{n}@example.org") for n in range(20)]
    assert time.monotonic() - started < 2
    assert OutboxEmail.objects.unsent().count() == len(emails)
    failures = [r for r in caplog.records if "Could not enqueue" in r.getMessage()]
    assert len(failures) == 1  # logged once, not once per email


def test_after_a_failed_enqueue_the_next_request_does_not_wait_on_the_broker_again(
    transactional_db, frozen_broker
):
    with transaction.atomic():
        queue()
    started = time.monotonic()
    with transaction.atomic():
        queue()
    assert time.monotonic() - started < 0.2
