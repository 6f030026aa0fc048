"""Child processes that die with the test run: a run killed with SIGKILL must leave nothing running."""

import contextlib
import ctypes
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)

# The pid file of this run's slot (tests/support/runs.py), once conftest.py has claimed one.
_pid_file = None


def die_with_parent(sig=signal.SIGTERM):
    """A `preexec_fn`: the kernel sends the child `sig` when the process that started it dies.

    Runs in the child between fork and exec, so it must do nothing but the one system call.
    "The process that started it" is the thread that called Popen: start children from
    pytest's main thread (fixtures and tests run there), never from a thread that ends first.
    """
    _libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)


def record_groups_in(pid_file):
    """From now on, `record_group` appends to `pid_file` (a PidFile)."""
    global _pid_file
    _pid_file = pid_file


def record_group(pid):
    """Note the process group led by `pid` in this run's pid file, for the sweep should the run be killed."""
    if _pid_file is not None:
        _pid_file.record(pid)


@dataclass(frozen=True)
class Running:
    """A process, the same one as long as its pid and start time are (a later one may be given the pid)."""

    pid: int
    started: int  # clock ticks after boot
    parent: int = field(compare=False)
    group: int = field(compare=False)
    zombie: bool = field(compare=False)


def process(pid):
    """Process `pid` as /proc/<pid>/stat describes it (proc(5)), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # The command name, in parentheses, may hold spaces: the other fields follow the last ")".
            fields = stat.read().rpartition(")")[2].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    state, parent, group, started = fields[0], fields[1], fields[2], fields[19]  # fields 3, 4, 5 and 22
    return Running(int(pid), int(started), int(parent), int(group), zombie=state in "ZX")


def start_time(pid):
    running = process(pid)
    return running and running.started


def living():
    """Every process on the machine but the zombies."""
    found = (process(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    return {running for running in found if running and not running.zombie}


def in_groups(groups):
    """The living processes in the process groups `groups`, and every descendant of theirs."""
    everything = living()
    found = {running for running in everything if running.group in groups}
    while more := {running for running in everything if running.parent in {f.pid for f in found}} - found:
        found |= more
    return found


class PidFile:
    """The process groups a test run started, one `<pgid> <start time>` line each, in an open file.

    The file is the run's slot lock too (tests/support/runs.py): only the run holding it writes here.
    """

    def __init__(self, file):
        self.file = file
        self.path = file.name

    def record(self, pid):
        self.file.write(f"{pid} {start_time(pid)}\n")
        self.file.flush()

    def groups(self):
        """[(pgid, start time)] as recorded."""
        self.file.seek(0)
        return [tuple(map(int, line.split())) for line in self.file.read().splitlines()]

    def sweep(self):
        """SIGKILL each recorded group whose leader still runs, then empty the file.

        A leader whose start time differs is another process that was given the same pid: it is
        left alone. A group whose leader is gone needs nothing: gunicorn's workers exit when their
        master has gone, and Celery's pool processes are killed with it (PR_SET_PDEATHSIG).
        """
        for pgid, started in self.groups():
            if start_time(pgid) == started:
                with contextlib.suppress(ProcessLookupError):  # it ended just now
                    os.killpg(pgid, signal.SIGKILL)
        self.file.truncate(0)
