"""README's layout table stays true: it lists every app, and each app imports only the apps its row names."""

import re
from pathlib import Path

import grimp
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def layout_rows():
    """{app: the apps its row says it may import}, from README's Layout table."""
    section = (ROOT / "README.md").read_text().split("## Layout\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+)/` \| .* \| (.*) \|$", section, flags=re.MULTILINE)
    return {app: set(re.findall(r"`([a-z_]+)`", may_import)) for app, may_import in rows}


def local_apps():
    return {config.name for config in apps.get_app_configs() if Path(config.path).resolve().parent == ROOT}


def test_the_readme_layout_table_lists_every_app():
    assert set(layout_rows()) == local_apps() | {"pledge_portal", "tests"}


def test_each_app_imports_only_the_apps_its_readme_row_names():
    graph = grimp.build_graph(*sorted(local_apps()), cache_dir=None)
    imported = {app: set() for app in local_apps()}
    for importer in graph.modules:
        if ".migrations" not in importer:
            for module in graph.find_modules_directly_imported_by(importer):
                imported[importer.split(".")[0]].add(module.split(".")[0])
    rows = layout_rows()
    unlisted = {app: found - {app} - rows[app] for app, found in imported.items()}
    assert {app: found for app, found in unlisted.items() if found} == {}
