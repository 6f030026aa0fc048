"""The Procfile's processes and a broker restart: /health/ready sees workers; no email is lost or doubled."""

import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from operations.models import WORKER, Heartbeat
from outbox.models import OutboxEmail
from tests.support.proxied_client import ProxiedClient
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_for

PASSWORD = "a-long-test-password"
TOKEN = "a-monitoring-token"
SIGN_UPS = 12


@pytest.fixture(scope="module")
def broker():
    """A Redis of the module's own, as the broker: the machine's shared Redis is never restarted."""
    with RedisServer() as server:
        yield server


@pytest.fixture(scope="module")
def env(production_env, broker):
    return {
        **production_env,
        "CELERY_BROKER_URL": broker.url(),
        "HEALTH_CHECK_TOKEN": TOKEN,
        "WORKER_HEARTBEAT_SECONDS": "1",
        # Emails whose task the restart lost are handed out again within seconds, not minutes.
        "OUTBOX_SWEEP_SECONDS": "1",
        "OUTBOX_RETRY_AFTER_SECONDS": "2",
        "TASK_ENQUEUE_PAUSE_SECONDS": "1",
    }


def worker_seen_at():
    return Heartbeat.objects.last_beat_at(WORKER)


def checks(client):
    return client.get("/health/ready", headers={"Authorization": f"Bearer {TOKEN}"}).json()["checks"]


def test_a_running_worker_is_seen_every_few_seconds_and_a_stopped_one_is_not(
    transactional_db, portal_processes, env
):
    web = portal_processes.web(env, workers=1)
    worker = portal_processes.worker(env)
    portal_processes.wait_until_ready()
    assert wait_for(lambda: worker_seen_at() is not None), "the worker recorded no heartbeat"
    first = worker_seen_at()
    assert wait_for(lambda: worker_seen_at() > first), "the worker recorded its heartbeat only once"
    assert checks(ProxiedClient(web.port))["worker"]["status"] == "ok"

    worker.stop()
    last = worker_seen_at()
    time.sleep(3)  # three of its heartbeats' intervals
    assert worker_seen_at() == last
    portal_processes.stop()


def csrf_token(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)[1]


def sign_up(port, number):
    # Each from an address of its own, as a burst of real sign-ups would be.
    client = ProxiedClient(port, client_address=f"203.0.113.{number + 20}")
    form = client.get("/accounts/signup/")
    response = client.post(
        "/accounts/signup/",
        {
            "csrfmiddlewaretoken": csrf_token(form),
            "name": f"Partner {number}",
            "email": address(number),
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status == 302, response.text


def address(number):
    return f"burst.{number}@example.org"


class Supervisor:
    """Starts a worker again whenever it exits, as systemd's Restart=always does; keeps each one's log."""

    def __init__(self, portal_processes, env):
        self.portal_processes = portal_processes
        self.env = env
        self.worker = portal_processes.worker(env).wait_until_ready()
        self.restarts = []

    def check(self):
        if not self.worker.running:
            self.restarts.append(self.worker.log_tail(40))
            self.worker = self.portal_processes.worker(self.env).wait_until_ready()


def test_every_email_of_a_burst_of_sign_ups_arrives_exactly_once_through_a_broker_restart(
    transactional_db, portal_processes, env, broker, process_smtp_server
):
    web = portal_processes.web(env, workers=2)
    portal_processes.beat(env)
    supervisor = Supervisor(portal_processes, env)
    portal_processes.wait_until_ready()

    # The sign-ups in a thread, the restart from this one: redis-server dies with the thread that started it.
    with ThreadPoolExecutor(max_workers=1) as executor:
        burst = executor.submit(lambda: [sign_up(web.port, number) for number in range(SIGN_UPS)])
        time.sleep(1)
        broker.restart(down_for=2)
        burst.result()  # every sign-up answered 302, or the error is raised here
    seen_after_restart = worker_seen_at()

    def all_arrived():
        supervisor.check()
        return all(process_smtp_server.to(address(number)) for number in range(SIGN_UPS))

    assert wait_for(all_arrived, timeout=90), f"emails missing; workers that exited: {supervisor.restarts}"
    # A few more sweeps: any duplicate would have been sent by now.
    sent = OutboxEmail.objects.filter(
        to__in=[address(n) for n in range(SIGN_UPS)], status=OutboxEmail.Status.SENT
    )
    assert wait_for(lambda: sent.count() == SIGN_UPS, timeout=30)
    time.sleep(3)

    message_ids = set(sent.values_list("message_id", flat=True))
    received = Counter(message["Message-ID"] for message in process_smtp_server.received)
    assert {message_id: received[message_id] for message_id in message_ids} == dict.fromkeys(message_ids, 1)
    # The worker reconnected, and is seen again.
    assert wait_for(lambda: worker_seen_at() > seen_after_restart)
