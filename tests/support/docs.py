"""What the docs say, read from docs/configuration.md's tables: shared by the tests in tests/docs/."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIGURATION = ROOT / "docs" / "configuration.md"
# Sections whose variables docs/production.env.example leaves out on purpose.
NOT_FOR_PRODUCTION = ("Old names, read for one release", "Development and tests only")


def documented_variables():
    """{section heading: the variables its table's rows name}."""
    sections = re.split(r"^## ", CONFIGURATION.read_text(), flags=re.MULTILINE)[1:]
    return {
        section.split("\n", 1)[0]: set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", section, flags=re.MULTILINE))
        for section in sections
    }


def all_documented_variables():
    return set().union(*documented_variables().values())


def production_variables():
    return set().union(
        *(names for heading, names in documented_variables().items() if heading not in NOT_FOR_PRODUCTION)
    )
