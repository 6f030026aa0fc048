"""Public directory requests read the snapshot with a constant number of queries, however many partners."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory import services
from tests.factories import bulk_directory_partners

pytestmark = pytest.mark.django_db

PAGES = {
    "directory": reverse("directory:directory"),
    "filtered": reverse("directory:directory") + "?q=partner&sector=vcse&area=bristol",
    "partner page": reverse("directory:partner", kwargs={"slug": "partner-00001"}),
    "last page": reverse("directory:directory") + "?page=1000",
    "json": reverse("directory:partners_json"),
    "home": reverse("pages:home"),
}


def query_counts(client):
    """Queries for each page: rendered, then from the cache."""
    counts = {}
    for name, path in PAGES.items():
        for attempt in ("rendered", "cached"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            counts[name, attempt] = len(queries)
    return counts


def test_query_counts_stay_the_same_from_20_to_500_partners(client):
    bulk_directory_partners(20)
    services.build_directory()
    small = query_counts(client)
    bulk_directory_partners(480, start=20)
    services.build_directory()
    assert query_counts(client) == small
    # The snapshot, then its rows: a page (and, when filtered, a count) or an entry. The files are on disk,
    # and the home page's count is the snapshot's. From the cache, none: its identity is cached too.
    assert small == {
        ("directory", "rendered"): 2,
        ("directory", "cached"): 0,
        ("filtered", "rendered"): 3,
        ("filtered", "cached"): 0,
        ("partner page", "rendered"): 2,
        ("partner page", "cached"): 0,
        ("last page", "rendered"): 2,
        ("last page", "cached"): 0,
        ("json", "rendered"): 1,
        ("json", "cached"): 1,
        ("home", "rendered"): 4,
        ("home", "cached"): 0,
    }
