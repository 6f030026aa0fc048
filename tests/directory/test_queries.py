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
    "json": reverse("directory:partners_json"),
}


def query_counts(client):
    counts = {}
    for name, path in PAGES.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts[name] = len(queries)
    return counts


def test_query_counts_stay_the_same_from_20_to_500_partners(client):
    bulk_directory_partners(20)
    services.render_directory()
    small = query_counts(client)
    bulk_directory_partners(480, start=20)
    services.render_directory()
    assert query_counts(client) == small
    # The snapshot, then its rows: a page (and, when filtered, a count), an entry, or a file.
    assert small == {"directory": 2, "filtered": 3, "partner page": 2, "json": 2}
