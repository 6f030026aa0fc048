"""What every page may show of the directory, read from the snapshot only when a template asks."""

from .caching import snapshot_of


def directory(request):
    # A callable, so the snapshot is read only by the pages that show the count (home, the pledge).
    return {"directory_partner_count": lambda: snapshot_of(request).partner_count}
