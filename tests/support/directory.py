"""Whether a change re-renders the public directory once its transaction commits."""

from directory.models import DirectorySnapshot


def re_renders_directory(callbacks):
    """Run the captured on-commit callbacks (tasks run eagerly) and say whether a new snapshot went live."""
    before = DirectorySnapshot.objects.current()
    for callback in callbacks:
        callback()
    after = DirectorySnapshot.objects.current()
    return after is not None and after != before
