"""A test run killed with SIGKILL leaves no process behind: gunicorn, the worker and beat die with it."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import killed_run
from tests.support.children import die_with_parent, in_groups, living
from tests.support.processes import ROOT
from tests.support.waiting import wait_for

pytestmark = pytest.mark.processes


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
        # Generous: the run makes its test database first, and PostgreSQL may be busy with other runs'.
        assert wait_for(lambda: killed_run.READY in output.read_text(), timeout=600), output.read_text()
        pid_file = re.search(r"pid file (\S+)", output.read_text())[1]
        groups = {int(line.split()[0]) for line in Path(pid_file).read_text().splitlines()}
        started = in_groups(groups)
        # gunicorn and its two workers, the worker and its two pool processes, beat.
        assert len(groups) == 3
        assert len(started) >= 7, started

        run.kill()
        run.wait()

        def survivors():
            return living() & started | in_groups(groups)

        assert wait_for(lambda: not survivors(), timeout=30), survivors()
    finally:
        run.kill()
        run.wait()
