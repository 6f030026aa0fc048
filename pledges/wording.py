"""What changed between two wordings of the pledge, word by word: for the team's preview and invitations."""

import difflib
import re
from dataclasses import dataclass, field

from .models import PledgeVersion

# Words and the spaces between them, so that joining the pieces gives back the text exactly.
_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class Part:
    """One part of the pledge (its introduction, an example action list, a commitment) in both wordings.

    `pieces` is a list of (kind, text), kind being "same", "added" or "removed",
    in reading order: the new wording, with what was taken out of the old shown
    where it stood.
    """

    label: str
    old: str
    new: str
    pieces: list = field(default_factory=list)

    @property
    def is_changed(self):
        return self.old != self.new

    @property
    def is_added(self):
        return not self.old and bool(self.new)

    @property
    def is_removed(self):
        return bool(self.old) and not self.new


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The word-level difference from `old` to `new`, as (kind, text) pieces."""
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    pieces = []
    for op, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(new_words[b_start:b_end])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("removed", "".join(old_words[a_start:a_end])))
        if op in ("insert", "replace"):
            pieces.append(("added", "".join(new_words[b_start:b_end])))
    return pieces


def compare_versions(old: PledgeVersion, new: PledgeVersion) -> list[Part]:
    """Every part of `new` set against the same part of `old`: commitments are matched by number."""
    parts = [
        Part("Title", old.title, new.title),
        Part("Introduction", old.introduction, new.introduction),
        Part("Example actions", old.example_actions.strip(), new.example_actions.strip()),
    ]
    old_commitments = {c.number: c for c in old.commitments.all()}
    new_commitments = {c.number: c for c in new.commitments.all()}
    for number in sorted(old_commitments.keys() | new_commitments.keys()):
        before, after = old_commitments.get(number), new_commitments.get(number)
        parts.append(
            Part(
                f"Commitment {number}",
                f"{before.title}\n{before.text}" if before else "",
                f"{after.title}\n{after.text}" if after else "",
            )
        )
    for part in parts:
        part.pieces = word_diff(part.old, part.new)
    return parts
