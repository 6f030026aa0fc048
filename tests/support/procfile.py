"""Running one of the Procfile's real processes for a moment and reading what it writes."""

import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def procfile_command(process_type):
    """The command line the Procfile gives `process_type` (web, worker or beat)."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process_type:
            return command.strip()
    raise LookupError(f"No {process_type} process in the Procfile")


def database_url_of_the_test_run():
    """The test run's own database, for a process that must see what the test commits."""
    db = settings.DATABASES["default"]
    credentials = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Output:
    """Lines a process writes, collected as they come by one reader thread per stream."""

    def __init__(self, process):
        self.stdout, self.stderr = [], []
        self._readers = [
            threading.Thread(target=self._read, args=(process.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._read, args=(process.stderr, self.stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, lines):
        for line in stream:
            lines.append(line.rstrip("\n"))

    def join(self):
        for reader in self._readers:
            reader.join(timeout=10)


@contextmanager
def running(command, *, env):
    """Run `command` through the shell, as honcho runs a Procfile line, then stop it with SIGTERM."""
    # Only the test run's own plumbing is inherited, never its settings.
    inherited = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG")}
    process = subprocess.Popen(
        ["/bin/sh", "-c", f"exec {command}"],
        cwd=ROOT,
        env={**inherited, "PATH": f"{VENV_BIN}:{os.environ['PATH']}", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    output = Output(process)
    try:
        yield output
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.join()
