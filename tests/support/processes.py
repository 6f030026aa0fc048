"""Run the portal as production does: the Procfile's web, worker and beat as real subprocesses.

Used by the production tests (tests/test_production.py and friends) and by
benchmarks. Nothing here needs pytest; `current_database_url()` alone needs
Django's settings loaded.

    env = production_environment(database_url=..., broker_url=..., cache_url=..., email_url=...,
                                 static_root=..., media_root=...)
    collect_static(env)
    with Processes(log_dir) as portal:
        web = portal.web(env)
        worker = portal.worker(env)
        beat = portal.beat(env)
        portal.wait_until_ready()
        client = ProxiedClient(web.port)  # tests/support/proxied_client.py
        client.get("/")
"""

import contextlib
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

from tests.support.children import die_with_parent, record_group
from tests.support.proxied_client import SITE_URL, ProxiedClient

ROOT = Path(__file__).resolve().parents[2]
PROCFILE = ROOT / "Procfile"
# The venv's own executables (gunicorn, celery), wherever the venv lives: in CI it is the only one.
BIN = Path(sys.executable).parent
QUEUES = ("celery", "email")

# Every process started and not yet stopped through its group, so a failing test can show their logs.
_started = []


class ProcessError(RuntimeError):
    """A process exited, or was not ready in time; the message ends with its log."""


def started():
    """The processes started and not yet stopped by their group (the living and the dead)."""
    return list(_started)


# Environment -------------------------------------------------------------------------------------------


def production_environment(
    *,
    database_url,
    broker_url,
    cache_url,
    email_url,
    static_root,
    media_root,
    site_url=SITE_URL,
    log_level="INFO",
    **overrides,
):
    """The environment docs/deploy.md sets, pointed at the given services.

    Only the machine's plumbing (PATH, HOME, LANG, TZ) is inherited, never the
    caller's settings; `overrides` (strings) are added last, e.g.
    OUTBOX_SWEEP_SECONDS="1". The same SECRET_KEY goes to every process given
    this environment, as it would in one deployment.
    """
    inherited = {name: os.environ[name] for name in ("HOME", "LANG", "TZ") if name in os.environ}
    return {
        **inherited,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        # Logs reach the log file as they are written, not when a buffer fills.
        "PYTHONUNBUFFERED": "1",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": urlsplit(site_url).hostname,
        "CSRF_TRUSTED_ORIGINS": site_url,
        "SITE_URL": site_url,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CACHE_URL": cache_url,
        "EMAIL_URL": email_url,
        "SERVE_MEDIA": "False",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root),
        "LOG_LEVEL": log_level,
        # One proxy in front, appending the client's address to X-Forwarded-For (docs/deploy.md).
        "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
        **overrides,
    }


def current_database_url():
    """DATABASE_URL for the database Django is using now (under pytest, the test database)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        raise ValueError("The production tests need PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database["HOST"] or "127.0.0.1"
    if host.startswith("/"):  # a Unix socket's directory
        host = quote(host, safe="")
    port = database["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(database['NAME'], safe='')}"


def collect_static(env, timeout=180):
    """`manage.py collectstatic --noinput` into env's STATIC_ROOT, as a deploy does before starting gunicorn.

    With DEBUG=False the manifest storage refuses to render a page whose static
    files were never collected, so gunicorn needs this first.
    """
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode:
        raise ProcessError(f"collectstatic failed:\n{result.stdout}{result.stderr}")


def clear_cache(url):
    """Empty Django's cache in the Redis database at `url`, and nothing else there (a broker may share it).

    allauth keeps its rate limits in the cache ("one confirmation email per
    address every three minutes"), so a run just after another would see its
    emails held back.
    """
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=":1:*"))  # Django's key format: <KEY_PREFIX>:<VERSION>:<key>
    if keys:
        client.delete(*keys)


def clear_broker(url, queues=QUEUES):
    """Drop every task waiting in `queues`, and those a killed worker took and never acknowledged.

    Redis keeps a killed worker's unacknowledged tasks aside and hands them out
    again after the visibility timeout (an hour), to whichever worker is then
    running; a test that kills a worker clears them so no later run gets them.
    """
    from kombu import Connection

    with Connection(url) as connection:
        channel = connection.default_channel
        for queue in queues:
            channel.queue_purge(queue)
        # kombu's own bookkeeping of delivered, unacknowledged messages (kombu/transport/redis.py).
        channel.client.delete(channel.unacked_key, channel.unacked_index_key, channel.unacked_mutex_key)


# Commands ----------------------------------------------------------------------------------------------


def procfile_command(process_type, env):
    """The Procfile's command line for `process_type`, split into arguments, with $VARs read from `env`.

    A program in the checkout (bin/web) is run from it; any other is the venv's
    own (e.g. .venv/bin/gunicorn), as `make run` puts the venv first on PATH for honcho.
    """
    for line in PROCFILE.read_text().splitlines():
        name, colon, command = line.partition(":")
        if colon and name.strip() == process_type:
            argv = shlex.split(_expand(command, env))
            in_checkout = ROOT / argv[0]
            argv[0] = str(in_checkout if "/" in argv[0] and in_checkout.exists() else BIN / argv[0])
            return argv
    raise KeyError(f"The Procfile has no {process_type!r} process.")


def _expand(command, env):
    """The shell's ${NAME:-default}, ${NAME} and $NAME, as honcho's shell would expand them."""

    def value(match):
        name = match["name"] or match["bare"]
        return env.get(name) or match["default"] or ""

    return re.sub(r"\$\{(?P<name>\w+)(?::-(?P<default>[^}]*))?\}|\$(?P<bare>\w+)", value, command)


def with_option(argv, option, value):
    """`argv` with `option` set to `value`: replaced where the command already gives it, else added."""
    argv = list(argv)
    if option in argv:
        argv[argv.index(option) + 1] = str(value)
    else:
        argv += [option, str(value)]
    return argv


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Processes ---------------------------------------------------------------------------------------------


class Process:
    """One subprocess in its own process group, its output (stdout and stderr) in `log_path`."""

    def __init__(self, name, argv, *, env, log_dir, ready, port=None):
        self.name = name
        self.argv = argv
        self.env = env
        self.port = port
        self.log_path = Path(log_dir) / f"{name}.log"
        self._ready = ready
        self.popen = None

    def start(self):
        if threading.current_thread() is not threading.main_thread():
            # The kernel signals the child when the thread that started it ends (die_with_parent).
            raise ProcessError(f"Start {self.name} from the main thread, so it lives as long as the run.")
        with open(self.log_path, "ab") as log:
            # A session of its own: SIGKILL can take the whole group (a prefork worker's children too),
            # and Ctrl-C in the terminal running the tests is not sent to it. It gets SIGTERM when the
            # test run dies, and is in the run's pid file for the next run to sweep should that fail.
            self.popen = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        record_group(self.popen.pid)
        _started.append(self)
        return self

    @property
    def pid(self):
        return self.popen.pid

    @property
    def running(self):
        return self.popen is not None and self.popen.poll() is None

    def log(self, since=0):
        """The output so far, from byte `since` (see log_size)."""
        with open(self.log_path, "rb") as log:
            log.seek(since)
            return log.read().decode(errors="replace")

    def log_size(self):
        """Where the log ends now: pass it as `since` to look only at what comes after."""
        return self.log_path.stat().st_size

    def log_tail(self, lines=200):
        return "\n".join(self.log().splitlines()[-lines:])

    def wait_for_log(self, pattern, *, since=0, count=1, timeout=30):
        """Wait until `pattern` (a regular expression) appears `count` times after byte `since`."""
        self._wait(lambda: len(re.findall(pattern, self.log(since))) >= count, f"{pattern!r}", timeout)
        return self

    def wait_until_ready(self, timeout=60):
        self._wait(lambda: self._ready(self), "ready", timeout)
        return self

    def _wait(self, condition, what, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if not self.running:
                raise ProcessError(
                    f"{self.name} exited with {self.popen.returncode} before {what}:\n{self.log_tail()}"
                )
            time.sleep(0.1)
        raise ProcessError(f"{self.name} not {what} after {timeout} s:\n{self.log_tail()}")

    def terminate(self):
        """SIGTERM, as a supervisor asks: gunicorn and Celery finish what they are doing, then exit."""
        if self.running:
            self.popen.send_signal(signal.SIGTERM)

    def stop(self, timeout=15):
        """SIGTERM; SIGKILL the group if it has not exited in `timeout`. Returns the exit code.

        A negative exit code is the signal that ended it.
        """
        if self.popen is None:
            return None
        self.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout)
        self._kill_group()  # the main process is gone; so must anything it left behind be
        return self.popen.wait()

    def kill(self):
        """SIGKILL the process and everything it started, at once: a machine or container dying."""
        self._kill_group()
        return self.popen.wait(10)

    def _kill_group(self):
        with contextlib.suppress(ProcessLookupError):  # every process in the group has already exited
            os.killpg(self.popen.pid, signal.SIGKILL)


def _http_ready(process):
    """gunicorn answers 200 on /health/live, or on the home page where there is no such endpoint."""
    client = ProxiedClient(process.port, site_url=process.env["SITE_URL"], timeout=2)
    for path in ("/health/live", "/"):
        try:
            status = client.get(path).status
        except OSError:
            return False  # not listening yet
        if status == 200:
            return True
        if status != 404:
            return False
    return False


def _worker_ready(process):
    return re.search(r"@\S+ ready\.", process.log()) is not None


def _beat_ready(process):
    return "beat: Starting..." in process.log()


class Processes:
    """A group of the Procfile's processes: start them, wait for all, stop them all at the end."""

    def __init__(self, log_dir):
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.processes = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def _name(self, kind):
        return f"{kind}{sum(p.name.startswith(kind) for p in self.processes) + 1}"

    def _start(self, process):
        self.processes.append(process)
        return process.start()

    def web(self, env, *, workers=2, options=()):
        """gunicorn (the Procfile's `web`) on a free port, through its PORT and WEB_CONCURRENCY.

        `options` are added to its command line, as a deployment may add them (e.g. "--access-logfile", "-").
        """
        port = free_port()
        name = self._name("web")
        # gunicorn's control socket goes in XDG_RUNTIME_DIR, else ~/.gunicorn/gunicorn.ctl, which every
        # gunicorn of this user on the machine would share (and each one's shutdown would delete).
        runtime_dir = self.log_dir / f"{name}-run"
        runtime_dir.mkdir(mode=0o700, exist_ok=True)
        env = {**env, "PORT": str(port), "WEB_CONCURRENCY": str(workers), "XDG_RUNTIME_DIR": str(runtime_dir)}
        argv = [*procfile_command("web", env), *options]
        return self._start(Process(name, argv, env=env, log_dir=self.log_dir, ready=_http_ready, port=port))

    def worker(self, env, *, concurrency=None, queues=None):
        """A Celery worker (the Procfile's `worker`), named <name>@host; prefork, as the Procfile runs it.

        `queues` (e.g. ["email"]) replaces the Procfile's --queues: a deployment can scale each queue apart.
        """
        name = self._name("worker")
        argv = with_option(procfile_command("worker", env), "--hostname", f"{name}@%h")
        if concurrency:
            argv = with_option(argv, "--concurrency", concurrency)
        if queues:
            argv = with_option(argv, "--queues", ",".join(queues))
        return self._start(Process(name, argv, env=env, log_dir=self.log_dir, ready=_worker_ready))

    def beat(self, env):
        """Celery beat (the Procfile's `beat`), its DATA_DIR (the schedule file) in the log directory."""
        name = self._name("beat")
        data_dir = self.log_dir / f"{name}-data"
        data_dir.mkdir(exist_ok=True)
        env = {**env, "DATA_DIR": str(data_dir)}
        argv = procfile_command("beat", env)
        return self._start(Process(name, argv, env=env, log_dir=self.log_dir, ready=_beat_ready))

    def wait_until_ready(self, timeout=60):
        """Wait for every process started so far (they start up side by side)."""
        for process in self.processes:
            process.wait_until_ready(timeout)
        return self

    def stop(self):
        """SIGTERM every process at once, SIGKILL the slow, forget them all. Returns {name: exit code}."""
        for process in self.processes:
            process.terminate()
        codes = {}
        for process in self.processes:
            codes[process.name] = process.stop()
            if process in _started:
                _started.remove(process)
        self.processes = []
        return codes
