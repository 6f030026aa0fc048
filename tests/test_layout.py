"""The app layout stays true: the import contracts in pyproject.toml hold; no two apps import each other."""

import itertools
import subprocess
import sys
import tomllib
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import grimp
import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent

# The project package is two units: its shared base (the contracts' layers below the lowest app, the
# outbox: the Celery app, helpers for forms, the admin, CSV and refusals, what a name may hold) sits
# below every app, and its wiring (settings, URLs, the information pages) above them.
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
LAYERS = CONTRACTS[0]["layers"]
PROJECT_BASE = {
    "pledge_portal",
    *(
        module
        for layer in LAYERS[LAYERS.index("outbox") + 1 :]
        for module in layer.replace(" ", "").split("|")
    ),
}


def local_apps():
    return sorted(
        config.name for config in apps.get_app_configs() if Path(config.path).resolve().parent == ROOT
    )


def unit_of(module):
    """The app a module belongs to, with the project package split into its base and its wiring."""
    if module in PROJECT_BASE:
        return "pledge_portal (base)"
    if module.startswith("pledge_portal."):
        return "pledge_portal (wiring)"
    return module.split(".")[0]


@pytest.fixture(scope="module")
def app_imports():
    """{(importing unit, imported unit): the module imports between them}, migrations left out.

    grimp reads every import statement, so an import deferred into a function counts too.
    """
    graph = grimp.build_graph("pledge_portal", *local_apps(), cache_dir=None)
    imports = {}
    for importer in graph.modules:
        if ".migrations" in importer:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            pair = (unit_of(importer), unit_of(imported))
            if pair[0] != pair[1]:
                imports.setdefault(pair, set()).add(f"{importer} -> {imported}")
    return imports


def test_the_import_contracts_hold():
    result = subprocess.run(
        [Path(sys.executable).with_name("lint-imports"), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_import_contracts_cover_every_app():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert sorted(config["root_packages"]) == sorted([*local_apps(), "pledge_portal"])


def test_no_two_apps_import_each_other(app_imports):
    units = sorted({unit for pair in app_imports for unit in pair})
    both_ways = {
        (a, b): sorted(app_imports[a, b] | app_imports[b, a])
        for a, b in itertools.combinations(units, 2)
        if (a, b) in app_imports and (b, a) in app_imports
    }
    assert both_ways == {}


def test_no_apps_import_each_other_round_a_longer_cycle(app_imports):
    dependencies = {}
    for importer, imported in app_imports:
        dependencies.setdefault(importer, set()).add(imported)
    try:
        list(TopologicalSorter(dependencies).static_order())
    except CycleError as error:
        pytest.fail(f"The apps import each other round a cycle: {' -> '.join(error.args[1])}")


def test_the_app_imports_are_found(app_imports):
    # Guards the tests above against an empty graph, which would pass them trivially.
    assert ("pledges", "organisations") in app_imports
    assert ("pledge_portal (wiring)", "pledges") in app_imports
    assert ("outbox", "pledge_portal (base)") in app_imports
    assert ("outbox", "pledges") not in app_imports
