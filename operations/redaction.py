"""Secrets in URLs (invitation tokens, email confirmation and reset keys), hidden from logs and Sentry.

A secret is found by where it stands, not by matching a route: whatever
follows a secret-bearing prefix in a path is replaced by "hidden", one path
segment at a time, however the path is written (with or without its last
slash, `/.` after it, doubled slashes, percent-encoded letters or slashes,
inside a query string's `next=` or a Referer). Being found anywhere in a line,
it is hidden in the access log's path, a redirect's Location, a traceback and
a JSON line alike. Nothing here needs Django: gunicorn's master uses it too.
"""

import re

# Every route whose path carries a secret (tests/operations/test_redaction.py checks there is no other):
# an invitation's token, allauth's email confirmation key, and its password reset "<uidb36>-<key>".
SECRET_PATH_PREFIXES = ("/my/invitations/", "/accounts/confirm-email/", "/accounts/password/reset/key/")
HIDDEN = "hidden"
# The segments under those prefixes that are not secrets: dot segments, and the reset's own "done" page.
NOT_SECRETS = {".", "..", "done"}


def _encoded(hex_code):
    # A character percent-encoded once, or twice ("%252F"), in either case.
    return rf"%(?:25)?{hex_code}"


_SLASH = rf"(?:/|{_encoded('2f')})"
_DOT = rf"(?:\.|{_encoded('2e')})"
# One or more slashes, with any dot segments between them: "/", "//", "/./", "%2F..%2F". Atomic: a long run
# of slashes in a request line is read once, never again from each of its slashes.
_SLASHES = rf"(?>{_SLASH}(?:{_DOT}{{0,2}}{_SLASH})*)"
# A prefix's first word starts a path segment: after a slash (written or encoded), or no letter at all
# (Django's resolver names a path without its first slash, "my/invitations/...").
_SEGMENT_START = r"(?:(?<=%2f)|(?<=%252f)|(?<![\w%.-]))"
# Ends a path: the query, the fragment, a space, quotes, angle brackets, a backslash (JSON's escapes), encoded
# or not. Anything else, a percent-escape included, is part of a segment.
_ENDS = r"\s?#&\"'<>\\"
_SEGMENT_CHARACTER = rf"(?:[^{_ENDS}%/]|%(?!(?:25)?(?:2f|3f|23|26|20|22|27|3c|3e|5c))(?:25)?[0-9a-f]{{2}})"


def _word(word):
    return "".join(rf"(?:{re.escape(c)}|{_encoded(f'{ord(c):02x}')})" for c in word)


def _prefix(prefix):
    words = prefix.strip("/").split("/")
    return _SEGMENT_START + _SLASHES.join(_word(word) for word in words) + _SLASHES


_SECRET_PATH = re.compile(
    rf"(?P<prefix>{'|'.join(_prefix(prefix) for prefix in SECRET_PATH_PREFIXES)})"
    rf"(?P<rest>(?:{_SLASH}|{_SEGMENT_CHARACTER})+)",
    re.IGNORECASE,
)
_SLASH_OR_SEGMENT = re.compile(rf"(?P<slash>{_SLASH})|(?P<segment>{_SEGMENT_CHARACTER}+)", re.IGNORECASE)


def hide_secrets(text):
    """`text` with every segment of a path under a secret-bearing prefix replaced by "hidden"."""
    if not isinstance(text, str):
        return text
    return _SECRET_PATH.sub(_hide, text)


def _hide(match):
    return match["prefix"] + _SLASH_OR_SEGMENT.sub(_hide_segment, match["rest"])


def _hide_segment(match):
    if match["slash"] or match["segment"].lower() in NOT_SECRETS:
        return match[0]
    return HIDDEN


def hide_secrets_in(value):
    """A copy of `value` (dicts, lists, tuples and strings, nested) with every string's secrets hidden."""
    if isinstance(value, str):
        return hide_secrets(value)
    if isinstance(value, dict):
        return {key: hide_secrets_in(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(hide_secrets_in(item) for item in value)
    return value
