"""Test runs side by side: each claims a slot of its own, and sweeps only what a killed run left in it."""

import contextlib
import os
import signal
import subprocess

import pytest

from tests.support import runs
from tests.support.children import in_groups, start_time
from tests.support.waiting import wait_for


@pytest.fixture
def started():
    """Start a command that runs until killed, in a process group of its own; kill the groups at the end."""
    processes = []

    def start(*argv):
        processes.append(subprocess.Popen(argv, start_new_session=True))
        return processes[-1]

    yield start
    for process in processes:
        with contextlib.suppress(ProcessLookupError):  # the group is gone
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def claim(tmp_path):
    """`runs.claim` in a folder of the test's own; each slot claimed is let go at the end."""
    slots = []

    def claim():
        slots.append(runs.claim(tmp_path))
        return slots[-1]

    yield claim
    for slot in slots:
        slot.pid_file.file.close()


def test_a_run_sweeps_the_process_groups_a_killed_run_left_in_its_slot_and_nothing_else(
    tmp_path, claim, started
):
    # Left running by a killed run: a group with a child besides its leader, as gunicorn's workers are.
    left_behind = started("sh", "-c", "sleep 600 & wait")
    assert wait_for(lambda: len(in_groups({left_behind.pid})) == 2)
    # Was given a pid the killed run recorded, after that run's process had gone: another start time.
    given_a_recorded_pid = started("sleep", "600")
    unrelated = started("sleep", "600")
    (tmp_path / "slot-1.pids").write_text(
        f"{left_behind.pid} {start_time(left_behind.pid)}\n"
        f"{given_a_recorded_pid.pid} {start_time(given_a_recorded_pid.pid) - 1}\n"
    )

    slot = claim()

    assert slot.number == 1
    assert left_behind.wait(timeout=5) == -9
    assert wait_for(lambda: in_groups({left_behind.pid}) == set(), timeout=5)
    assert given_a_recorded_pid.poll() is None
    assert unrelated.poll() is None
    assert slot.pid_file.groups() == []


def test_a_run_takes_the_next_free_slot_and_never_sweeps_one_in_use(claim, started):
    first = claim()
    process = started("sleep", "600")
    first.pid_file.record(process.pid)

    second = claim()

    assert (first.number, second.number) == (1, 2)
    assert process.poll() is None
    assert first.pid_file.groups() == [(process.pid, start_time(process.pid))]


def test_each_slot_has_its_own_redis_database_and_test_database(claim):
    first, second = claim(), claim()

    assert first.redis_url("redis://:secret@127.0.0.1:6379/0") == "redis://:secret@127.0.0.1:6379/8"
    assert second.redis_url("redis://:secret@127.0.0.1:6379/0") == "redis://:secret@127.0.0.1:6379/9"
    assert (first.test_database_name("pledge_portal"), second.test_database_name("pledge_portal")) == (
        "test_pledge_portal_1",
        "test_pledge_portal_2",
    )


def test_a_run_is_refused_when_every_slot_is_taken(claim):
    for _ in runs.REDIS_DATABASES:
        claim()

    with pytest.raises(RuntimeError, match=f"All {len(runs.REDIS_DATABASES)} test run slots"):
        claim()


def test_a_slot_is_free_again_once_its_run_has_ended(claim):
    first = claim()
    first.pid_file.file.close()  # as the kernel does when the run exits, however it exits

    assert claim().number == 1
