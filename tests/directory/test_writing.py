"""Writing a render's rows: the PostgreSQL path stores what bulk_create (the SQLite path) stores."""

import datetime

import pytest
from django.db import connection

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


@pytest.mark.django_db
@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_rows_are_written_with_their_json_dates_and_defaults(monkeypatch, vendor):
    moment = datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)
    snapshot = DirectorySnapshot.objects.create(
        data_as_of=moment, rendered_at=moment, content_changed_at=moment, content_hash="", partner_count=0
    )
    monkeypatch.setattr(connection, "vendor", vendor)  # the SQLite path is bulk_create, on any database
    rows = [{**ROW, "slug": f"bristol-trust-{n}", "organisation_id": n} for n in range(5)]
    assert writing.insert_rows(DirectoryEntry, iter(rows), batch_size=2, snapshot_id=snapshot.pk) == 5
    assert writing.insert_rows(DirectoryDeparture, [], snapshot_id=snapshot.pk) == 0

    written = list(
        snapshot.entries.order_by("organisation_id").values(*ROW, "slug", "logo_url", "action_rows")
    )
    # Fields a row leaves out take their defaults (logo_url and action_rows are blank).
    assert written == [{**row, "logo_url": "", "action_rows": ""} for row in rows]
