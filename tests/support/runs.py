"""Test runs side by side on one machine: each claims a slot, with its own Redis database and test database.

A slot is a file, /tmp/pledge-portal-tests/slot-<n>.pids, locked with flock for as long as the run
lasts; the kernel lets go of the lock when the run ends, however it ends (SIGKILL too). The file
lists the process groups the run started (tests/support/children.py). A run that claims a slot
first sweeps what the slot's last run left: if that run was killed, its processes are killed too.
"""

import fcntl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.children import PidFile

RUNS_DIR = Path(tempfile.gettempdir()) / "pledge-portal-tests"
# Slot n uses Redis database 7 + n: the upper half of Redis's 16 databases. Database 0 stays free for
# `make run` with a broker, and the lower half for a developer's own use.
REDIS_DATABASES = range(8, 16)


@dataclass
class Slot:
    number: int
    pid_file: PidFile

    @property
    def redis_database(self):
        return REDIS_DATABASES[self.number - 1]

    def redis_url(self, url):
        """`url` (a redis:// URL) with this slot's database number."""
        return urlsplit(url)._replace(path=f"/{self.redis_database}").geturl()

    def test_database_name(self, name):
        """The test database for the database `name`, as pytest-django names it, with the slot's number."""
        return f"test_{name}_{self.number}"


def claim(directory=RUNS_DIR):
    """The first free slot, its last run's processes swept. Raises RuntimeError if every slot is taken."""
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(1, len(REDIS_DATABASES) + 1):
        file = open(directory / f"slot-{number}.pids", "a+")  # noqa: SIM115 (held open for the whole run)
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            continue
        pid_file = PidFile(file)
        pid_file.sweep()
        return Slot(number, pid_file)
    raise RuntimeError(
        f"All {len(REDIS_DATABASES)} test run slots in {directory} are taken: "
        "that many test runs are going on this machine now."
    )
