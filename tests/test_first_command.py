"""The README's first command, as a newcomer runs it: `make run` on a fresh clone, with no services.

The clone is of the repository's committed HEAD: changes not yet committed are
not in it, so commit before running this test on a change to `make run`.
"""

import datetime
import html
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.children import die_with_parent, record_group
from tests.support.processes import free_port

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parent.parent
PLEDGE_TEXT = (ROOT / "tests" / "data" / "pledge-text.txt").read_text(encoding="utf-8")
# Nothing the test run was given reaches the newcomer's `make run`: no services, no make of ours.
UNSET = {
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "SITE_URL",
    "PORT",
    "DEBUG",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "VIRTUAL_ENV",
}
FIRST_START_TIMEOUT = 900  # a new .venv, installed from pip's cache, on a busy machine
START_TIMEOUT = 300


class NewcomerRun:
    """`make run` in the clone, in a session of its own, stopped as Ctrl-C stops it."""

    def __init__(self, clone, port, log):
        self.clone = clone
        self.port = port
        self.log_path = log
        env = {name: value for name, value in os.environ.items() if name not in UNSET}
        env["PORT"] = str(port)
        self._log = log.open("w")
        self.launched_at = None  # when make, its .venv ready, runs the launcher
        self.process = subprocess.Popen(
            [shutil.which("make"), "run"],
            cwd=clone,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        record_group(self.process.pid)  # swept by the next run in this slot if this one is killed

    def log(self):
        return self.log_path.read_text(errors="replace")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path):
        with urllib.request.urlopen(self.url(path), timeout=30) as response:  # noqa: S310 - our own server
            return response.status, response.read().decode()

    def wait_for_home_page(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.launched_at is None and "scripts/run.py" in self.log():
                self.launched_at = time.monotonic()
            if self.process.poll() is not None:
                pytest.fail(f"make run exited ({self.process.returncode}):\n{self.log()[-5000:]}")
            try:
                if self.get("/")[0] == 200:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        pytest.fail(f"/ did not answer within {timeout} s:\n{self.log()[-5000:]}")

    def interrupt(self):
        """Ctrl-C: SIGINT to the whole process group, then wait for make to finish."""
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        finally:
            self._log.close()

    def kill(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def embedded_postgres_pid(clone):
    """The embedded server's pid, from its postmaster.pid, or None once it has stopped."""
    pid_file = clone / ".data" / "postgres" / "postmaster.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def organisation_count(clone):
    """Asked of the running embedded server, through its socket, as the launcher's processes connect."""
    url = f"postgres://postgres@/pledge_portal?host={clone / '.data' / 'postgres'}"
    code = "from organisations.models import Organisation; print(Organisation.objects.count())"
    result = subprocess.run(
        [str(clone / ".venv" / "bin" / "python"), "manage.py", "shell", "-v", "0", "-c", code],
        cwd=clone,
        env={**{k: v for k, v in os.environ.items() if k not in UNSET}, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(result.stdout.strip())


def commitments_in_source():
    section = PLEDGE_TEXT.split("Our eight Active Commitments")[1]
    return [text.strip() for text in re.findall(r"^\d\. (.+)$", section, flags=re.MULTILINE)]


def commitments_on_page(page):
    listed = re.search(r'<ol class="[^"]*portal-commitments[^"]*">(.*?)</ol>', page, flags=re.S).group(1)
    return [" ".join(html.unescape(text).split()) for text in re.findall(r"<p>(.*?)</p>", listed, flags=re.S)]


@pytest.fixture
def clone():
    # Not under pytest's own temporary folder: each pytest run on the machine makes that private
    # again, and run as root, the embedded PostgreSQL runs as a user of its own that must reach it.
    folder = Path(tempfile.mkdtemp(prefix="newcomer-"))
    started = time.monotonic()
    path = folder / "pledge-portal"
    subprocess.run([shutil.which("git"), "clone", "--quiet", str(ROOT), str(path)], check=True, timeout=120)
    yield path, started
    pid = embedded_postgres_pid(path)
    if pid is not None:  # a failed run left the server the launcher started
        os.kill(pid, signal.SIGTERM)
    shutil.rmtree(folder, ignore_errors=True)


def test_make_run_on_a_fresh_clone_serves_the_seeded_portal_and_a_second_run_reuses_its_data(clone, tmp_path):
    path, cloned_at = clone
    port = free_port()

    first = NewcomerRun(path, port, tmp_path / "first-run.log")
    try:
        first.wait_for_home_page(FIRST_START_TIMEOUT)
        first_start = time.monotonic() - cloned_at
        installing = first.launched_at - cloned_at
        for page in ("/", "/pledge/", "/partners/", "/actions/", "/accounts/login/"):
            assert first.get(page)[0] == 200, page
        assert first.get(f"/report/{datetime.date.today().year}/")[0] == 200
        partners = first.get("/partners/")[1]
        partner_page = re.search(r'href="(/partners/[a-z0-9-]+/)"', partners).group(1)
        assert first.get(partner_page)[0] == 200, partner_page
        assert commitments_on_page(first.get("/pledge/")[1]) == commitments_in_source()
        assert "Demo accounts" in first.get("/accounts/login/")[1]
        organisations = organisation_count(path)
        assert embedded_postgres_pid(path) is not None
        first.interrupt()
    finally:
        first.kill()
    log = first.log()
    assert re.search(r"Created \d+ demo partners", log), log[-3000:]
    assert "sam.okafor@example.org" in log  # the demo logins, printed as it starts serving
    # make stops as Ctrl-C stopped it, once its recipe has finished.
    assert first.process.returncode in (0, -signal.SIGINT), log[-3000:]
    assert "Stopping the embedded PostgreSQL" in log
    assert embedded_postgres_pid(path) is None, "the embedded PostgreSQL is still running"

    second = NewcomerRun(path, port, tmp_path / "second-run.log")
    started = time.monotonic()
    try:
        second.wait_for_home_page(START_TIMEOUT)
        second_start = time.monotonic() - started
        assert second.get("/pledge/")[0] == 200
        assert organisation_count(path) == organisations
        second.interrupt()
    finally:
        second.kill()
    log = second.log()
    assert "Organisations already exist; demo data not loaded." in log, log[-3000:]
    assert not re.search(r"Created \d+ demo partners", log)
    assert embedded_postgres_pid(path) is None, "the embedded PostgreSQL is still running"

    print(
        f"\nClone to first page: {first_start:.1f} s (first start; {installing:.1f} s of it cloning and"
        " installing .venv); "
        f"second start to first page: {second_start:.1f} s",
        file=sys.stderr,
    )
