"""The systemd units in deploy/systemd/: valid for systemd itself, and running what the Procfile runs."""

import shutil
import subprocess

import pytest

from tests.support.processes import PROCFILE, ROOT

UNITS = ROOT / "deploy" / "systemd"
# Where the units expect the release; a test renders them with this checkout's path instead.
RELEASE = "/srv/pledge-portal/current"
PROCESSES = ("web", "worker", "beat")


def directives(unit):
    """{(section, key): [values]} of a unit file, in order: systemd allows a key more than once."""
    found, section = {}, None
    for line in (UNITS / unit).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        found.setdefault((section, key), []).append(value)
    return found


def procfile_lines():
    return {
        name.strip(): command.strip()
        for name, colon, command in (line.partition(":") for line in PROCFILE.read_text().splitlines())
        if colon
    }


@pytest.fixture
def rendered_units(tmp_path):
    """The units with the release path replaced by this checkout's, so their programs exist to verify."""
    for unit in UNITS.iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace(RELEASE, str(ROOT)))
    return sorted(tmp_path.iterdir())


def test_systemd_analyze_verify_finds_nothing_to_say_about_any_unit(rendered_units):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: install Debian's systemd package (make chromium does)."
    result = subprocess.run(
        [analyze, "verify", *map(str, rendered_units)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # A directive systemd does not understand is only a warning, and still exits 0: any output fails.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("process", PROCESSES)
def test_each_process_unit_runs_exactly_the_procfiles_command_line_from_the_release(process):
    unit = directives(f"pledge-portal-{process}.service")
    (working_directory,) = unit["Service", "WorkingDirectory"]
    (exec_start,) = unit["Service", "ExecStart"]
    assert working_directory == RELEASE
    assert exec_start == f"{RELEASE}/{procfile_lines()[process]}"


@pytest.mark.parametrize("process", PROCESSES)
def test_each_process_unit_is_restarted_whenever_it_exits_and_is_part_of_the_target(process):
    unit = directives(f"pledge-portal-{process}.service")
    assert unit["Service", "Restart"] == ["always"]
    assert unit["Unit", "StartLimitIntervalSec"] == ["0"]  # never gives up restarting
    assert unit["Service", "EnvironmentFile"] == ["/etc/pledge-portal/production.env"]
    assert unit["Unit", "PartOf"] == ["pledge-portal.target"]
    assert unit["Install", "WantedBy"] == ["pledge-portal.target"]
    assert (
        f"pledge-portal-{process}.service" in directives("pledge-portal.target")["Unit", "Wants"][0].split()
    )


def test_the_worker_is_given_the_task_time_limit_to_finish_its_tasks_before_it_is_killed():
    from django.conf import settings

    unit = directives("pledge-portal-worker.service")
    assert int(unit["Service", "TimeoutStopSec"][0]) > settings.CELERY_TASK_TIME_LIMIT


def test_beat_keeps_its_schedule_in_the_state_directory_that_is_data_dirs_default():
    unit = directives("pledge-portal-beat.service")
    assert unit["Service", "StateDirectory"] == ["pledge-portal"]
    assert 'data_dir="${DATA_DIR:-/var/lib/pledge-portal}"' in (ROOT / "bin" / "beat").read_text()


def test_the_backup_timer_runs_the_backup_script_every_night():
    timer = directives("pledge-portal-backup.timer")
    service = directives("pledge-portal-backup.service")
    assert timer["Timer", "OnCalendar"] == ["*-*-* 01:30:00"]
    assert timer["Timer", "Persistent"] == ["true"]
    assert service["Service", "Type"] == ["oneshot"]
    assert service["Service", "ExecStart"] == [f"{RELEASE}/scripts/backup.sh /var/backups/pledge-portal"]
