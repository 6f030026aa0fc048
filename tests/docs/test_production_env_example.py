"""docs/production.env.example and docs/configuration.md agree: the example is complete and documented.

The rule: every variable the example names is documented in configuration.md, and every variable
configuration.md documents for production (all but its "Old names" and "Development and tests only"
tables) is in the example, set or commented out.
"""

import re

from tests.support.docs import ROOT, all_documented_variables, documented_variables, production_variables

EXAMPLE = ROOT / "docs" / "production.env.example"


def example_variables():
    return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", EXAMPLE.read_text(), flags=re.MULTILINE))


def test_the_configuration_tables_are_found_and_list_the_required_settings():
    required = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "MEDIA_ROOT"}
    assert required <= production_variables()
    assert {"REDIS_URL", "CHROMIUM_PATH"} <= documented_variables()["Development and tests only"]


def test_the_production_environment_example_names_every_production_variable():
    assert production_variables() - example_variables() == set()


def test_every_variable_in_the_production_environment_example_is_documented():
    assert example_variables() - all_documented_variables() == set()


def test_the_production_environment_example_sets_debug_off():
    assert "\nDEBUG=False\n" in EXAMPLE.read_text()
