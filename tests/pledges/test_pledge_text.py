"""The pledge text in the database is the pledge's own wording, word for word."""

import re
from pathlib import Path

import pytest

from pledges.models import ActionTheme, Commitment, PledgeVersion

PLEDGE_TEXT = (Path(__file__).resolve().parent.parent / "data" / "pledge-text.txt").read_text(
    encoding="utf-8"
)


def commitments_in_source():
    section = PLEDGE_TEXT.split("Our eight Active Commitments")[1]
    return {int(n): text.strip() for n, text in re.findall(r"^(\d)\. (.+)$", section, flags=re.MULTILINE)}


@pytest.mark.django_db
def test_version_one_has_the_eight_commitments_numbered_one_to_eight():
    version = PledgeVersion.objects.get(number=1)
    assert list(version.commitments.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6, 7, 8]


@pytest.mark.django_db
def test_each_commitment_matches_the_pledge_text_word_for_word():
    source = commitments_in_source()
    assert len(source) == 8
    for commitment in Commitment.objects.filter(version__number=1):
        assert commitment.text == source[commitment.number]


@pytest.mark.django_db
def test_the_five_example_actions_and_other_are_the_action_themes():
    examples = [
        line.strip().rstrip(".").lower()
        for line in re.findall(r"^\s*•\s*(.+)$", PLEDGE_TEXT.split("Examples of actions include")[1], re.M)
    ][:5]
    themes = list(ActionTheme.objects.order_by("position"))
    assert [theme.name.lower() for theme in themes if theme.is_example] == examples
    assert [theme.name for theme in themes if not theme.is_example] == ["Other"]


@pytest.mark.django_db
def test_current_version_is_the_newest():
    assert PledgeVersion.objects.current().number == 1
