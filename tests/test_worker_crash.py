"""A worker killed between the SMTP server storing an email and answering 250: one duplicate, never more."""

from django.utils import timezone

from outbox import services as outbox
from outbox.models import OutboxEmail
from pledge_portal.celery import enqueue
from tests.support.waiting import wait_for

LEASE_SECONDS = 2


def test_an_email_whose_worker_died_before_hearing_250_is_sent_once_more_with_the_same_message_id(
    transactional_db, portal_processes, production_env, process_smtp_server, broker_up
):
    env = {**production_env, "OUTBOX_SEND_LEASE_SECONDS": str(LEASE_SECONDS)}
    # Prefork, as the Procfile runs it: the email goes out from a pool process, so the whole
    # process group dies at once, as when the machine or container is lost (kill() is SIGKILL to the group).
    doomed = portal_processes.worker(env).wait_until_ready()

    def kill_the_worker():
        process_smtp_server.handler.on_accept = None  # only the first try dies
        doomed.kill()

    process_smtp_server.handler.on_accept = kill_the_worker
    email = outbox.queue_email(to="leader@example.org", subject="Thank you", body_text="Thank you.")

    assert wait_for(lambda: not doomed.running), "the worker was never given the email"
    assert len(process_smtp_server.to("leader@example.org")) == 1
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENDING  # the worker died before it could mark it sent
    assert email.attempts == 1

    # A new worker; once the dead worker's claim has expired, the sweep hands the email to it.
    survivor = portal_processes.worker(env).wait_until_ready()
    assert wait_for(lambda: email.claimed_until < timezone.now(), timeout=LEASE_SECONDS + 1)
    since = survivor.log_size()
    assert enqueue("outbox.tasks.send_queued_emails", ()) == 1
    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT)

    # A later sweep finds nothing more to hand out (the task returns how many it handed out).
    assert enqueue("outbox.tasks.send_queued_emails", ()) == 1
    survivor.wait_for_log(r"send_queued_emails\[\S+\] succeeded in \S+: 0\b", since=since)

    copies = process_smtp_server.to("leader@example.org")
    assert [copy["Message-ID"] for copy in copies] == [email.message_id, email.message_id]
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 2
