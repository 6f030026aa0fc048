"""The README stays short, the docs link only to files that exist, and the README links every document."""

import re

import pytest

from tests.support.docs import ROOT

README = ROOT / "README.md"
DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.md"))]
# [text](target); a target never has spaces, which keeps code like f(x) out.
LINK = re.compile(r"\]\(([^)\s]+)\)")


def relative_links(document):
    """The links in a document that point into the checkout, without their #anchors."""
    targets = (target.split("#", 1)[0] for target in LINK.findall(document.read_text()))
    return {target for target in targets if target and not re.match(r"^[a-z]+:", target)}


def test_the_readme_is_at_most_160_lines():
    assert len(README.read_text().splitlines()) <= 160


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_points_at_a_file_that_exists(document):
    missing = {target for target in relative_links(document) if not (document.parent / target).exists()}
    assert missing == set()


def test_the_readme_links_every_document_in_docs():
    linked = {(ROOT / target).resolve() for target in relative_links(README)}
    documents = {path.resolve() for path in (ROOT / "docs").iterdir() if path.is_file()}
    assert documents - linked == set()


def test_the_link_pattern_finds_the_readme_links():
    assert {"docs/configuration.md", "docs/deploy.md"} <= relative_links(README)
