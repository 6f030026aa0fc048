"""docs/production.env.example stays complete: it names every variable in README's Configuration table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_variables():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", table, flags=re.MULTILINE))


def example_variables():
    example = (ROOT / "docs" / "production.env.example").read_text()
    return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))


def test_the_readme_configuration_table_is_found_and_lists_the_required_settings():
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "MEDIA_ROOT"} <= readme_variables()


def test_the_production_environment_example_names_every_variable_in_the_readme():
    assert readme_variables() - example_variables() == set()


def test_the_production_environment_example_sets_debug_off():
    assert "\nDEBUG=False\n" in (ROOT / "docs" / "production.env.example").read_text()
