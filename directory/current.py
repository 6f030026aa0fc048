"""Which snapshot is current, named in the shared cache: set by each build, read by the pages' cache."""

from django.core.cache import cache

# The current snapshot's identity, so a page served from the cache needs no query. Every build sets it
# once committed; requests only add it when missing. Short-lived, so a lost update heals by itself.
CURRENT_KEY = "directory:current"
CURRENT_TIMEOUT = 60


def identity_of(snapshot):
    """(identity, built_at timestamp) of a snapshot: what its cached pages are keyed and dated by."""
    return snapshot.identity, snapshot.built_at.timestamp()


def announce_current(snapshot):
    """Tell every web process which snapshot is current; call once the build has committed."""
    cache.set(CURRENT_KEY, identity_of(snapshot), CURRENT_TIMEOUT)
