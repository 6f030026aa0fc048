"""Whether a change rebuilds the public directory once its transaction commits."""

import html
import re

from directory.models import DirectorySnapshot


def rebuilds_directory(callbacks):
    """Run the captured on-commit callbacks (tasks run eagerly) and say whether the public directory changed.

    A full build makes a new snapshot; an incremental one bumps the current snapshot's version.
    """
    before = DirectorySnapshot.objects.current()
    for callback in callbacks:
        callback()
    after = DirectorySnapshot.objects.current()
    return after is not None and (before is None or after.identity != before.identity)


def file_body(response):
    """The bytes of an open-data file, which the directory streams from storage."""
    return b"".join(response.streaming_content)


def names_listed_in(response):
    """The partners' names on a page of the directory, read from its HTML (a cached page has no context)."""
    cards = re.findall(
        r'<h3 class="nhsuk-card__heading[^"]*">\s*<a href="[^"]*">(.*?)</a>', response.content.decode()
    )
    return [html.unescape(name) for name in cards]
