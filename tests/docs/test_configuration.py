"""docs/configuration.md documents every environment variable the portal, its processes and scripts read."""

import ast
import re

from tests.support.docs import ROOT, all_documented_variables

# Set by the shell or the system, never by whoever runs the portal.
SHELL_VARIABLES = {"BASH_SOURCE", "TMPDIR", "PATH", "HOME"}


def env_calls(path):
    """The names passed to env(...), env.int(...), env.bool(...) and the like in one Python file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = node.func
            if isinstance(function, ast.Attribute):
                function = function.value
            if isinstance(function, ast.Name) and function.id == "env":
                names.add(node.args[0].value)
    return names


def environ_reads(path):
    return set(re.findall(r"os\.environ(?:\.get\(|\[)\"([A-Z][A-Z0-9_]*)\"", path.read_text()))


def shell_reads(path):
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", path.read_text())) - SHELL_VARIABLES


def makefile_reads():
    makefile = (ROOT / "Makefile").read_text()
    overridable = re.findall(r"^([A-Z][A-Z0-9_]*) \?=", makefile, flags=re.MULTILINE)
    from_the_environment = re.findall(r"\$\$\{?([A-Z][A-Z0-9_]*)", makefile)
    return (set(overridable) | set(from_the_environment)) - SHELL_VARIABLES


def test_the_settings_are_read_as_this_test_expects():
    """A guard for the parser: if these are not found, the tests below would pass on nothing."""
    read = env_calls(ROOT / "pledge_portal" / "settings.py")
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "CONTACT_INVITATIONS_PER_HOUR_PER_ORGANISATION"} <= read
    assert "LOG_FORMAT" in env_calls(ROOT / "gunicorn.conf.py")
    assert {"PORT", "WEB_CONCURRENCY", "BIND_ADDRESS"} <= shell_reads(ROOT / "bin" / "web")


def test_every_variable_the_settings_read_is_documented():
    read = env_calls(ROOT / "pledge_portal" / "settings.py") | env_calls(ROOT / "gunicorn.conf.py")
    assert read - all_documented_variables() == set()


def test_every_variable_the_processes_and_scripts_read_is_documented():
    files = [*ROOT.glob("Procfile*"), *(ROOT / "bin").iterdir(), *(ROOT / "scripts").glob("*.sh")]
    read = set().union(*(shell_reads(path) for path in files))
    read |= set().union(*(environ_reads(path) for path in (ROOT / "scripts").glob("*.py")))
    assert (read | makefile_reads()) - all_documented_variables() == set()
