"""Fixtures shared by every test: people, a real Celery worker, the portal's own processes, and a browser."""

import os
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import Group
from django.core.cache import caches

from accounts.models import PROGRAMME_TEAM_GROUP
from pledge_portal.celery import app as celery_app
from pledge_portal.celery import forget_broker_failures
from tests.factories import PledgeFactory, UserFactory
from tests.support import children, processes, runs
from tests.support.frozen import FrozenServer
from tests.support.migration_data import reload_migration_data
from tests.support.smtp import SMTPServer

# This run's slot (tests/support/runs.py), claimed as the tests are loaded, before any of them starts a
# process: its own Redis database and test database, and the pid file of the processes it starts.
RUN = runs.claim()
children.record_groups_in(RUN.pid_file)
REDIS_URL = RUN.redis_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Flags this sandboxed, offline machine needs (see docs/development.md: Browser tests).
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


def pytest_report_header():
    from django.conf import settings

    database = RUN.test_database_name(settings.DATABASES["default"]["NAME"])
    return (
        f"Test run slot {RUN.number}: Redis database {RUN.redis_database}, test database {database}, "
        f"pid file {RUN.pid_file.path}"
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings():
    """The test database is this run's own: test_<name>_<slot>, so two runs on one machine never meet."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    database.setdefault("TEST", {})["NAME"] = RUN.test_database_name(database["NAME"])


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory):
    """Files the tests write (open data, logos, certificates) go to the run's own folder.

    Never to the checkout's media/, which `make run` serves, or another run on the machine writes.
    """
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches: allauth's rate limits and stored pages never leak between tests."""
    yield
    for alias in caches:
        caches[alias].clear()


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
def pledge(db):
    """An approved pledge: its signatory a member, and cycle 1 with its two actions."""
    return PledgeFactory(approved=True)


@pytest.fixture
def programme_team_member(db):
    member = UserFactory(email="reviewer@example.org")
    member.groups.add(Group.objects.get(name=PROGRAMME_TEAM_GROUP))
    return member


# Email -----------------------------------------------------------------------


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free port, and Django's real SMTP backend pointed at it."""
    server = SMTPServer().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()


@pytest.fixture
def send_on_commit(django_capture_on_commit_callbacks):
    """`with send_on_commit():` runs the block's on-commit callbacks, so its emails are sent at once."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


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
    # Connections are pooled per broker URL; forget the pool so the next enqueue uses the new broker.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    forget_broker_failures()


QUEUES = ["celery", "email"]


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker thread consuming from the real Redis broker.

    Needs a transactional database: the worker reads rows through its own
    connection, so they must really be committed.
    """
    with celery_broker(REDIS_URL) as app:
        with app.connection_for_write() as connection:
            for queue in QUEUES:
                connection.default_channel.queue_purge(queue)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=QUEUES):
            yield app


@pytest.fixture
def broker_up():
    """Tasks are queued on the real Redis broker (not run eagerly), for a worker subprocess or none."""
    with celery_broker(REDIS_URL) as app:
        yield app


@pytest.fixture
def broker_down():
    """Enqueueing fails, as it does when Redis is unreachable: nothing listens on port 1."""
    with celery_broker("redis://127.0.0.1:1/0") as app:
        yield app


@pytest.fixture
def frozen_broker():
    """A broker that accepts connections and never answers, like a Redis stuck on a full disk."""
    with FrozenServer() as server, celery_broker(f"redis://127.0.0.1:{server.port}/0") as app:
        yield app


# The portal's own processes (tests/support/processes.py) -----------------------


def database_url_for_processes():
    """The test database, for the portal's processes: never the database DATABASE_URL names.

    pytest-django makes a test database only when a test in the run uses one, so a run whose
    tests ask for none would otherwise hand the processes DATABASE_URL's own database.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["NAME"] != database["TEST"]["NAME"]:
        raise RuntimeError("The portal's processes need the test database: use transactional_db in the test.")
    return processes.current_database_url()


@pytest.fixture(scope="session")
def collected_static(django_db_setup, tmp_path_factory):
    """collectstatic once per session (it takes seconds), as a deploy does before gunicorn starts."""
    static_root = tmp_path_factory.mktemp("static")
    env = processes.production_environment(
        database_url=database_url_for_processes(),
        broker_url=REDIS_URL,
        cache_url=REDIS_URL,
        email_url="consolemail://",  # collectstatic sends nothing
        static_root=static_root,
        media_root=tmp_path_factory.mktemp("media"),
    )
    processes.collect_static(env)
    return static_root


@pytest.fixture(scope="module")
def process_smtp_server():
    """A real SMTP server for a module's subprocesses (EMAIL_URL=process_smtp_server.url())."""
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def production_env(django_db_setup, collected_static, process_smtp_server, tmp_path_factory):
    """The production environment (docs/deploy.md) on the test database, Redis and the SMTP server.

    Tests that read what the processes wrote, or write rows for them, need
    `transactional_db`, so both sides see committed rows. The cache shares the
    broker's Redis database: Django's cache keys (":1:...") never meet kombu's.
    """
    return processes.production_environment(
        database_url=database_url_for_processes(),
        broker_url=REDIS_URL,
        cache_url=REDIS_URL,
        email_url=process_smtp_server.url(),
        static_root=collected_static,
        media_root=tmp_path_factory.mktemp("media"),
    )


@pytest.fixture(scope="module")
def portal_processes(tmp_path_factory):
    """A group for the Procfile's processes, stopped (SIGTERM, then SIGKILL) at the end of the module.

    The broker starts and ends empty, so no task from another test reaches these workers, or theirs another;
    the cache starts empty, as every test's own does.
    """
    processes.clear_broker(REDIS_URL)
    processes.clear_cache(REDIS_URL)
    with processes.Processes(tmp_path_factory.mktemp("logs")) as group:
        yield group
    processes.clear_broker(REDIS_URL)


# The slow kinds of test, marked by the fixtures they use (markers in pyproject.toml), so that
# `-m "not browser"` is the quick loop and no new test has to remember its marker. A test that asks
# for a broker fixture part-way, with request.getfixturevalue, carries its marker itself.
MARKED_BY_FIXTURES = {
    "browser": {"browser"},
    "broker": {"celery_worker", "broker_up", "broker_down", "frozen_broker", "portal_processes"},
    "processes": {"portal_processes"},
}


def pytest_collection_modifyitems(items):
    for item in items:
        for marker, fixtures in MARKED_BY_FIXTURES.items():
            if fixtures.intersection(getattr(item, "fixturenames", ())):
                item.add_marker(marker)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test shows the log of every portal process it ran with."""
    report = yield
    if report.failed:
        for process in processes.started():
            state = "running" if process.running else f"exited with {process.popen.returncode}"
            report.sections.append((f"{process.name} log ({state}, {process.log_path})", process.log_tail()))
    return report


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


# Added to every page before its own scripts: each Content-Security-Policy violation is logged to the console.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  console.error(`CSP violation: ${event.violatedDirective} blocked ${blocked} on ${location.pathname}`);
});
"""


@pytest.fixture
def csp_violations():
    """What the Content-Security-Policy blocked on the pages a test visited; none is allowed."""
    violations = []
    yield violations
    assert violations == [], "The Content-Security-Policy blocked:\n" + "\n".join(violations)


@pytest.fixture
def page(browser, live_server, csp_violations):
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on("console", lambda message: record_csp_violation(message, csp_violations))
    page.set_default_timeout(10_000)
    yield page
    context.close()


def record_csp_violation(message, violations):
    # Chromium also logs its own line for each violation ("Refused to ... Content Security Policy").
    if message.type == "error" and (
        "CSP violation" in message.text or "Content Security Policy" in message.text
    ):
        violations.append(message.text)


@pytest.fixture
def assert_accessible():
    """Run axe-core on the page and fail with its report on any WCAG 2.2 A/AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check
