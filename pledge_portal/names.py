"""What a name may hold: one rule for the forms and the database, for every name the portal keeps.

A name is one line of plain text. Control characters break the XML of badges and open data;
characters that reorder text (a right-to-left override, U+202E) make a name show as another
name; a line break splits a log line, an email's subject or a CSV row. None is ever typed.
"""

from collections.abc import Sequence

from django.db.migrations import RunSQL
from django.db.models import CheckConstraint, Q

# C0 and C1 control characters but tab, line feed and carriage return (free text keeps those).
CONTROL_CHARACTERS = r"\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Embeddings and overrides, isolates, and the marks: left-to-right, right-to-left, Arabic letter.
REORDERING = r"\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
# Line feed, carriage return, line and paragraph separators; next line (NEL, U+0085) is a control character.
LINE_BREAKS = r"\n\r\u2028\u2029"

# As a regular expression both Python and PostgreSQL read the same way.
NOT_IN_A_NAME = f"[{CONTROL_CHARACTERS}{REORDERING}{LINE_BREAKS}]"


def one_line_of_plain_text(field: str, *, name: str) -> CheckConstraint:
    """The database's copy of the rule, for the model field `field`."""
    return CheckConstraint(
        condition=~Q(**{f"{field}__regex": NOT_IN_A_NAME}),
        name=name,
        violation_error_message="Remove the hidden characters from the name. "
        "They may have come with text you pasted in.",
    )


def fit_names_kept_before(*, table: str, columns: Sequence[str]) -> RunSQL:
    """A migration step before the constraint: names kept before the rule are made to fit it.

    Line breaks become a space; control and reordering characters, never seen on a page, go.
    """
    line_breaks, hidden = f"[{LINE_BREAKS}]+", f"[{CONTROL_CHARACTERS}{REORDERING}]"
    return RunSQL(
        [
            (
                f'UPDATE "{table}" SET "{column}" = regexp_replace(regexp_replace("{column}", %s, %s, %s), '  # noqa: S608
                f'%s, %s, %s) WHERE "{column}" ~ %s',
                [line_breaks, " ", "g", hidden, "", "g", NOT_IN_A_NAME],
            )
            for column in columns
        ],
        reverse_sql=RunSQL.noop,
    )
