"""Incremental builds of one partner, bursts merged into one build, positions for paging, nightly checks."""

import datetime
import gzip
import json
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from directory import open_data, services
from directory.models import DirectoryEntry, DirectorySnapshot
from organisations.models import Organisation
from pledges.models import Pledge
from pledges.services import decisions
from tests.factories import PledgeFactory, bulk_directory_partners, directory_partner
from tests.support.directory import file_body, names_listed_in
from tests.support.waiting import wait_for

DIRECTORY = reverse("directory:directory")


def old_pages(snapshot, ordering, per_page=20):
    """The pages as the directory cut them before positions: ORDER BY ... OFFSET ... LIMIT."""
    names = list(snapshot.entries.order_by(*ordering).values_list("name", flat=True))
    return [names[start : start + per_page] for start in range(0, len(names), per_page)]


@pytest.mark.django_db
def test_paging_by_position_returns_the_same_partners_as_the_old_offset_pages(client):
    bulk_directory_partners(57)
    # Names the database's collation sorts its own way: accents, case and punctuation.
    for name in ["Émile Trust", "emile trusts", "E-Mile Group", "Zed"]:
        directory_partner(name)
    snapshot = services.build_directory()
    orders = {"name": ("sort_name", "pk"), "recent": ("-signed_on", "sort_name", "pk")}
    for sort, ordering in orders.items():
        pages = old_pages(snapshot, ordering)
        assert len(pages) == 4  # 61 partners: the last page holds one
        for number, expected in enumerate(pages, start=1):
            response = client.get(
                DIRECTORY, {"sort": sort, "page": number} if sort == "recent" else {"page": number}
            )
            assert names_listed_in(response) == expected, (sort, number)
        # Past the end, and nonsense, as before: the last page, and the first.
        assert names_listed_in(client.get(DIRECTORY, {"sort": sort, "page": 99})) == pages[-1]
        assert names_listed_in(client.get(DIRECTORY, {"sort": sort, "page": "x"})) == pages[0]

    # After an incremental build too: a partner joining shifts every later position by one.
    directory_partner("Aardvark Housing")
    joined = services.build_partners(
        Organisation.objects.filter(name="Aardvark Housing").values_list("pk", flat=True)
    )
    for sort, ordering in orders.items():
        for number, expected in enumerate(old_pages(joined, ordering), start=1):
            response = client.get(DIRECTORY, {"sort": sort, "page": number})
            assert names_listed_in(response) == expected, (sort, number)


@pytest.mark.django_db
def test_an_incremental_build_rewrites_one_partner_and_its_open_data_in_the_same_snapshot(client):
    keeping = directory_partner("Keeping Partner")
    changing = directory_partner("Changing Partner")
    before = services.build_directory()
    kept_row = DirectoryEntry.objects.get(snapshot=before, slug="keeping-partner")
    Organisation.objects.filter(pk=changing.organisation_id).update(website="https://changed.example")

    after = services.build_partners([changing.organisation_id])
    assert (after.pk, after.version) == (before.pk, before.version + 1)
    assert after.built_at > before.built_at
    assert DirectoryEntry.objects.get(snapshot=after, slug="keeping-partner").pk == kept_row.pk  # untouched
    changed = DirectoryEntry.objects.get(snapshot=after, slug="changing-partner")
    assert changed.page["website"] == "https://changed.example"
    assert "https://changed.example" in changed.csv_row
    records = json.loads(file_body(client.get(reverse("directory:partners_json"))))["partners"]
    assert {record["name"]: record["website"] for record in records}[
        "Changing Partner"
    ] == "https://changed.example"
    assert keeping.organisation.name in [record["name"] for record in records]
    # The files were written for this version; the earlier version's are gone.
    with open_data.open_file(after, open_data.PARTNERS_CSV) as written:
        assert b"https://changed.example" in written.read()


@pytest.mark.django_db
def test_an_incremental_build_keeps_the_totals_and_choices_a_full_build_counts():
    directory_partner("Steady Partner")
    services.build_directory()

    def summary_after_build(pledge):
        kept = services.build_partners([pledge.organisation_id]).summary
        assert kept == services.build_directory().summary
        return kept

    # The only partner in its sector, area, year and theme: each choice comes with it, and goes with it.
    school = directory_partner(
        "School Partner",
        sector=Organisation.Sector.EDUCATION,
        areas=["north-somerset"],
        signed_on=datetime.date(2021, 5, 1),
        theme="policy-review",
    )
    joined = summary_after_build(school)
    assert joined["count"] == 2
    assert 2021 in joined["years"]
    assert "policy-review" in [theme["slug"] for theme in joined["themes"]]
    assert "education" in [sector["code"] for sector in joined["by_sector"]]
    Organisation.objects.filter(pk=school.organisation_id).update(sector=Organisation.Sector.HOUSING)
    edited = summary_after_build(school)
    assert {sector["code"] for sector in edited["by_sector"]} == {"housing", "vcse"}
    school.status, school.withdrawn_at = Pledge.Status.WITHDRAWN, timezone.now()
    school.save(update_fields=["status", "withdrawn_at"])
    left = summary_after_build(school)
    assert left["count"] == 1
    assert 2021 not in left["years"]
    assert "policy-review" not in [theme["slug"] for theme in left["themes"]]
    assert {area["code"]: area["count"] for area in left["by_area"]}["north-somerset"] == 0


@pytest.mark.django_db
def test_open_data_is_served_gzipped_to_clients_that_accept_it(client):
    directory_partner("Zipped Partner")
    services.build_directory()
    for path in ["directory:partners_json", "directory:partners_csv", "directory:actions_csv"]:
        plain = client.get(reverse(path))
        zipped = client.get(reverse(path), headers={"Accept-Encoding": "gzip, deflate"})
        assert zipped["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in zipped["Vary"]
        assert gzip.decompress(file_body(zipped)) == file_body(plain)


def reports(caplog):
    return [record.getMessage() for record in caplog.records if record.name == "directory.services"]


@pytest.mark.django_db
def test_the_full_build_reports_a_change_no_incremental_build_showed(caplog, programme_team_member):
    directory_partner("Announced Partner")
    quiet = directory_partner("Quiet Partner")
    services.build_directory()
    joining = PledgeFactory(submitted=True, organisation__name="Joining Partner")
    decisions.approve_pledge(pledge=joining, by=programme_team_member)
    services.build_requested_directory()  # incremental: the approval was announced

    with caplog.at_level(logging.WARNING, logger="directory.services"):
        services.build_directory()
    assert reports(caplog) == []  # everything the incremental builds showed was right

    Organisation.objects.filter(pk=quiet.organisation_id).update(description="Changed without a signal")
    with caplog.at_level(logging.WARNING, logger="directory.services"):
        services.build_directory()
    assert reports(caplog) == [
        "The full directory build changed 1 partner(s) the last snapshot showed otherwise: quiet-partner"
    ]


def test_a_burst_of_20_approvals_causes_at_most_2_builds(
    transactional_db, celery_worker, client, programme_team_member, settings
):
    settings.DIRECTORY_BUILD_DELAY_SECONDS = 2
    pledges = [PledgeFactory(submitted=True, organisation__name=f"Burst Partner {n:02d}") for n in range(20)]
    before = services.build_directory()

    for pledge in pledges:
        decisions.approve_pledge(pledge=pledge, by=programme_team_member)  # each commits on its own
    assert wait_for(lambda: services.current_directory().partner_count == 20, timeout=30)

    after = DirectorySnapshot.objects.current()
    assert after.pk == before.pk  # no full build: incremental ones
    assert after.version - before.version <= 2
    client.get(DIRECTORY)
    assert len(names_listed_in(client.get(DIRECTORY))) == 20
