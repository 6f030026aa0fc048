"""Writing a build's rows with COPY stores what bulk_create would store."""

import datetime

import pytest

from directory import writing
from directory.models import DirectoryDeparture, DirectoryEntry, DirectorySnapshot

ROW = {
    "organisation_id": 7,
    "name": "Bristol Trust",
    "sort_name": "bristol trust",
    "search_key": "bristol trust",
    "kind": "organisation",
    "sector": "vcse",
    "areas": ["Bristol"],
    "area_codes": " bristol ",
    "theme_slugs": " policy-review ",
    "signed_on": datetime.date(2024, 2, 29),
    "year": 2024,
    "page": {"name": "Bristol Trust", "current": None, "cycles": [{"number": 1}]},
    "record": '{"name": "Bristol Trust"}',
    "csv_row": "Bristol Trust,bristol-trust\r\n",
    "digest": "0" * 64,
}


def snapshot():
    moment = datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)
    return DirectorySnapshot.objects.create(
        data_as_of=moment, built_at=moment, content_changed_at=moment, content_hash="", partner_count=0
    )


def stored(snapshot):
    return list(snapshot.entries.order_by("organisation_id").values(*ROW, "slug", "logo_url", "action_rows"))


@pytest.mark.django_db
def test_rows_are_written_as_bulk_create_writes_them_json_dates_and_defaults_included():
    rows = [{**ROW, "slug": f"bristol-trust-{n}", "organisation_id": n} for n in range(5)]
    copied, created = snapshot(), snapshot()
    assert writing.insert_rows(DirectoryEntry, iter(rows), batch_size=2, snapshot_id=copied.pk) == 5
    DirectoryEntry.objects.bulk_create(DirectoryEntry(snapshot_id=created.pk, **row) for row in rows)

    assert stored(copied) == stored(created)
    # Fields a row leaves out take their defaults (logo_url and action_rows are blank).
    assert stored(copied) == [{**row, "logo_url": "", "action_rows": ""} for row in rows]


@pytest.mark.django_db
def test_no_rows_write_nothing():
    empty = snapshot()
    assert writing.insert_rows(DirectoryDeparture, [], snapshot_id=empty.pk) == 0
    assert not empty.departures.exists()


@pytest.mark.django_db
def test_rows_may_come_from_a_generator_that_queries_the_database_as_it_goes():
    written = snapshot()

    def rows():
        # As directory/build.py's do: a query between rows, on the connection the COPY uses.
        for n in range(3):
            organisation_id = DirectorySnapshot.objects.count() + n
            yield {**ROW, "slug": f"bristol-trust-{n}", "organisation_id": organisation_id}

    assert writing.insert_rows(DirectoryEntry, rows(), batch_size=2, snapshot_id=written.pk) == 3
    assert written.entries.count() == 3
