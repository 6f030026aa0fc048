"""Fixtures shared by every test: people, a real Celery worker, and a real browser."""

import os
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import Group
from django.core.cache import cache

from accounts.models import PROGRAMME_TEAM_GROUP
from pledge_portal.celery import app as celery_app
from tests.factories import UserFactory
from tests.support.migration_data import reload_migration_data

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Flags this sandboxed, offline machine needs (see README: browser tests).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so allauth's rate limits never leak between tests."""
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test passwords cheaply: every UserFactory hashes one, and PBKDF2 takes most of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _migration_data(request):
    """Transactional tests run after another's flush: put back the rows the data migrations made."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server", "celery_worker")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        reload_migration_data()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def programme_team_member(db):
    member = UserFactory(email="reviewer@example.org")
    member.groups.add(Group.objects.get(name=PROGRAMME_TEAM_GROUP))
    return member


# Celery ----------------------------------------------------------------------


@contextmanager
def celery_broker(url):
    """Point the Celery app at `url` and stop running tasks eagerly, for the duration."""
    previous = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    _forget_connections()
    try:
        yield celery_app
    finally:
        celery_app.conf.update(previous)
        _forget_connections()


def _forget_connections():
    # Connections are pooled per broker URL; forget the pool so the next publish uses the new broker.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker thread consuming from the real Redis broker.

    Needs a transactional database: the worker reads rows through its own
    connection, so they must really be committed.
    """
    with celery_broker(REDIS_URL) as app:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(app.conf.task_default_queue)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app


@pytest.fixture
def broker_up():
    """Tasks are queued on the real Redis broker (not run eagerly), and no worker takes them."""
    with celery_broker(REDIS_URL) as app:
        yield app


@pytest.fixture
def broker_down():
    """Publishing fails, as it does when Redis is unreachable: nothing listens on port 1."""
    with celery_broker("redis://127.0.0.1:1/0") as app:
        yield app


# Browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the Django ORM
    # calls the tests make alongside it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def assert_accessible():
    """Run axe-core on the page and fail with its report on any WCAG 2.2 A/AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check
