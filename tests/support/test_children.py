"""A test run killed with SIGKILL leaves no process behind: gunicorn, the worker and beat die with it."""

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support import killed_run
from tests.support.children import die_with_parent
from tests.support.processes import ROOT
from tests.support.waiting import wait_for

pytestmark = pytest.mark.processes


@dataclass(frozen=True)
class Running:
    """A process, the same one as long as its pid and start time are (a later one may get the pid)."""

    pid: int
    started: int
    parent: int = field(compare=False)
    group: int = field(compare=False)


def running():
    """Every process on the machine but zombies, read from /proc (see proc(5): /proc/<pid>/stat)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # it has just gone
        state, parent, group, started = fields[0], fields[1], fields[2], fields[19]
        if state not in "ZX":
            found.append(Running(int(entry.name), int(started), int(parent), int(group)))
    return found


def in_groups(groups):
    """The living processes in the process groups `groups`, and every descendant of theirs, wherever it is."""
    everything = running()
    found = {process for process in everything if process.group in groups}
    while more := {p for p in everything if p.parent in {f.pid for f in found}} - found:
        found |= more
    return found


def test_a_test_run_killed_with_sigkill_leaves_no_process_behind(tmp_path):
    output = tmp_path / "run.log"
    with open(output, "w") as log:
        run = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-s", killed_run.__file__],
            cwd=ROOT,
            env=os.environ,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )
    try:
        assert wait_for(lambda: killed_run.READY in output.read_text(), timeout=300), output.read_text()
        pid_file = re.search(r"pid file (\S+)", output.read_text())[1]
        groups = {int(line.split()[0]) for line in Path(pid_file).read_text().splitlines()}
        started = in_groups(groups)
        # gunicorn and its two workers, the worker and its two pool processes, beat.
        assert len(groups) == 3
        assert len(started) >= 7, started

        run.kill()
        run.wait()

        def survivors():
            return set(running()) & started | in_groups(groups)

        assert wait_for(lambda: not survivors(), timeout=30), survivors()
    finally:
        run.kill()
        run.wait()
