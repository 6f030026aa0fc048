"""The actions library: only what partners chose to show, filters and search, stories, constant queries."""

import datetime
import json

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory import library, open_data, services
from directory.models import DirectorySnapshot, LibraryAction
from organisations.models import Organisation
from pledges.models import Action, ActionTheme, Pledge
from tests.factories import ActionFactory, ReviewCycleFactory, bulk_directory_partners, directory_partner
from tests.support.directory import file_body

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate() - datetime.timedelta(days=400)


def reviewed_partner(name, *, show_progress=True, **fields):
    """A partner a year in: cycle 1 reviewed (action 1 done); cycle 2 continues action 1 and adds one."""
    pledge = directory_partner(name, signed_on=LAST_YEAR, **fields)
    first = pledge.cycles.get()
    Action.objects.filter(cycle=first, number=1).update(
        title=f"{name} steering group",
        progress=Action.Progress.COMPLETED,
        what_happened=f"{name} HAPPENED",
        what_helped=f"{name} HELPED",
    )
    Action.objects.filter(cycle=first, number=2).update(progress=Action.Progress.NOT_STARTED)
    first.reviewed_at = timezone.now()
    first.show_progress = show_progress
    first.message_to_team = f"{name} PRIVATE MESSAGE"
    first.save()
    second = ReviewCycleFactory(pledge=pledge, number=2, starts_on=first.due_on)
    ActionFactory(pledge=pledge, cycle=second, number=1, title=f"{name} steering group", is_continuing=True)
    ActionFactory(pledge=pledge, cycle=second, number=2, title=f"{name} new policy review")
    return pledge


@pytest.fixture
def partners(db):
    shown = reviewed_partner("Open Partner")
    private_progress = reviewed_partner("Quiet Partner", show_progress=False)
    hidden = reviewed_partner("Hidden Partner", show_actions=False)
    withdrawn = reviewed_partner("Gone Partner")
    Pledge.objects.filter(pk=withdrawn.pk).update(status=Pledge.Status.WITHDRAWN, withdrawn_at=timezone.now())
    # A draft for next year, not yet in a cycle.
    ActionFactory(pledge=shown, cycle=None, number=1, title="Open Partner DRAFT action")
    services.build_directory()
    return {"shown": shown, "private": private_progress, "hidden": hidden}


def all_bytes(client):
    """Every page and file of the library, as raw bytes."""
    snapshot = DirectorySnapshot.objects.current()
    paths = [
        reverse("directory:library"),
        reverse("directory:library") + "?page=2",
        reverse("directory:actions_json"),
        reverse("directory:actions_library_csv"),
    ] + [reverse("directory:action", args=[row.action_id]) for row in snapshot.library.all()]
    return b"".join(body(client.get(path)) for path in paths)


def body(response):
    return file_body(response) if response.streaming else response.content


def test_the_library_shows_the_actions_and_progress_partners_show_and_nothing_else(client, partners):
    content = all_bytes(client)
    assert b"Open Partner steering group" in content
    assert b"Open Partner HELPED" in content
    assert b"Open Partner HAPPENED" in content
    # Shown actions whose progress was kept private: the action, never the progress.
    assert b"Quiet Partner steering group" in content
    assert b"Quiet Partner HELPED" not in content
    assert b"Quiet Partner HAPPENED" not in content
    for secret in (b"Hidden Partner", b"Gone Partner", b"PRIVATE MESSAGE", b"DRAFT action"):
        assert secret not in content, secret


def test_a_partner_that_withdraws_leaves_the_library_at_the_next_build(client, partners):
    Pledge.objects.filter(pk=partners["shown"].pk).update(status=Pledge.Status.WITHDRAWN)
    services.build_directory()
    assert b"Open Partner" not in all_bytes(client)


def test_an_action_continued_into_a_new_year_is_one_story(client, partners):
    snapshot = DirectorySnapshot.objects.current()
    rows = snapshot.library.filter(partner_name="Open Partner", number=1).order_by("cycle")
    first, second = rows
    assert first.story_id == second.story_id == first.action_id
    new = snapshot.library.get(partner_name="Open Partner", cycle=2, number=2)
    assert new.story_id == new.action_id

    page = client.get(reverse("directory:action", args=[second.action_id])).content.decode()
    assert "followed over 2 years" in page
    assert page.index("Year 1") < page.index("Open Partner HELPED") < page.index("Year 2")


def test_an_action_not_shown_has_no_page(client, partners):
    hidden = Action.objects.filter(pledge=partners["hidden"]).first()
    assert client.get(reverse("directory:action", args=[hidden.pk])).status_code == 404


def titles(client, query):
    response = client.get(reverse("directory:library") + query)
    assert response.status_code == 200
    return sorted(action.title for action in response.context["actions"])


def test_filters_and_search_narrow_the_library(client, partners):
    directory_partner("School Partner", sector=Organisation.Sector.EDUCATION, areas=["north-somerset"])
    ActionFactory.reset_sequence(100)
    services.build_directory()
    school = sorted(
        Action.objects.filter(pledge__organisation__name="School Partner").values_list("title", flat=True)
    )
    assert titles(client, "?sector=education") == school
    assert titles(client, "?area=north-somerset") == school
    assert titles(client, "?q=open+partner+steering") == ["Open Partner steering group"] * 2
    assert titles(client, "?q=OPEN+partnér&progress=completed") == ["Open Partner steering group"]
    assert titles(client, f"?year={LAST_YEAR.year}&theme=steering-group&q=quiet") == [
        "Quiet Partner steering group",
        *sorted(
            Action.objects.filter(pledge=partners["private"], cycle__number=1, number=2).values_list(
                "title", flat=True
            )
        ),
    ]
    assert titles(client, "?commitment=1&q=policy+review") == [
        "Open Partner new policy review",
        "Quiet Partner new policy review",
    ]
    assert titles(client, "?q=zebra") == []


def test_most_progress_sorts_done_actions_first(client, partners):
    response = client.get(reverse("directory:library") + "?sort=progress")
    progress = [action.progress for action in response.context["actions"]]
    assert progress[0] == Action.Progress.COMPLETED
    assert progress == sorted(progress, key=lambda code: -library.PROGRESS_RANK[code])


def test_pagination_keeps_the_filters(client, partners):
    bulk_directory_partners(30)
    services.build_directory()
    response = client.get(reverse("directory:library") + "?q=partner&sort=progress")
    assert response.context["page_obj"].paginator.num_pages > 1
    assert 'href="?q=partner&amp;sort=progress&amp;page=2"' in response.content.decode()


def test_open_data_files_use_the_same_rows_and_revalidate(client, partners):
    snapshot = DirectorySnapshot.objects.current()
    response = client.get(reverse("directory:actions_json"))
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"] == f'"{snapshot.identity}"'
    data = json.loads(file_body(response))
    assert data["count"] == snapshot.library.count() == len(data["actions"])
    again = client.get(reverse("directory:actions_json"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"
    csv_lines = file_body(client.get(reverse("directory:actions_library_csv"))).decode().split("\r\n")
    assert csv_lines[0] == ",".join(library.LIBRARY_CSV_HEADER)
    assert len([line for line in csv_lines[1:] if line]) == data["count"]


def test_a_library_file_missing_from_storage_is_written_on_demand(client, partners):
    snapshot = DirectorySnapshot.objects.current()
    for filename in (open_data.LIBRARY_JSON, open_data.LIBRARY_CSV):
        for gzipped in (False, True):
            default_storage.delete(open_data.path(snapshot, filename, gzipped=gzipped))
    data = json.loads(file_body(client.get(reverse("directory:actions_json"))))
    assert data["count"] == snapshot.library.count() == len(data["actions"])
    assert default_storage.exists(open_data.path(snapshot, open_data.LIBRARY_CSV, gzipped=True))


def test_building_one_partner_replaces_only_its_rows_and_the_files(client, partners):
    snapshot = DirectorySnapshot.objects.current()
    before = snapshot.library.count()
    shown = partners["shown"]
    quiet = snapshot.library.filter(partner_name="Quiet Partner").values_list("pk", flat=True)
    quiet_rows = list(quiet)
    Action.objects.filter(pledge=shown, cycle__number=2, number=2).update(title="Open Partner RENAMED")
    services.build_partners([shown.organisation_id])
    assert snapshot.library.count() == before
    # The other partners' rows are the same rows: only the changed partner's were written.
    assert list(quiet) == quiet_rows
    assert b"Open Partner RENAMED" in file_body(client.get(reverse("directory:actions_library_csv")))
    Pledge.objects.filter(pk=shown.pk).update(show_actions=False)
    services.build_partners([shown.organisation_id])
    assert not snapshot.library.filter(organisation_id=shown.organisation_id).exists()
    assert b"Open Partner" not in file_body(client.get(reverse("directory:actions_json")))
    assert DirectorySnapshot.objects.current().summary["library"]["count"] == before - 4


def test_the_filters_choices_come_from_the_rows_in_a_few_queries(partners, django_assert_num_queries):
    directory_partner("School Partner", sector=Organisation.Sector.EDUCATION, areas=["north-somerset"])
    services.build_directory()
    snapshot = DirectorySnapshot.objects.current()
    rows = list(snapshot.library.all())
    # Areas, commitments, themes, progress, count, years, and the themes' and areas' names.
    with django_assert_num_queries(8):
        library.summarise_library(snapshot)
    choices = snapshot.summary["library"]
    assert choices["count"] == len(rows)
    assert choices["years"] == sorted({row.year for row in rows}, reverse=True)
    assert {theme["slug"] for theme in choices["themes"]} == {row.theme_slug for row in rows}
    assert {code for code, _ in choices["areas"]} == {"bristol", "north-somerset"}
    labels = {label for row in rows for label in row.commitments}
    assert {label for _, label in choices["commitments"]} == labels
    assert [number for number, _ in choices["commitments"]] == sorted(
        {label.split(".")[0] for label in labels}, key=int
    )
    assert {code for code, _ in choices["progress"]} == {row.progress for row in rows}


def test_an_incremental_build_keeps_the_choices_a_full_summary_gives(partners):
    def choices_after_build(organisation_id):
        services.build_partners([organisation_id])
        snapshot = DirectorySnapshot.objects.current()
        kept = snapshot.summary["library"]
        library.summarise_library(snapshot)
        assert kept == snapshot.summary["library"]
        return kept

    school = directory_partner("School Partner", areas=["north-somerset"])
    joined = choices_after_build(school.organisation_id)
    assert ["north-somerset", "North Somerset"] in joined["areas"]
    Action.objects.filter(pledge=school, number=1).update(title="School Partner RENAMED")
    choices_after_build(school.organisation_id)
    # The only partner in North Somerset leaves: its area is no longer offered.
    Pledge.objects.filter(pk=school.pk).update(status=Pledge.Status.WITHDRAWN, withdrawn_at=timezone.now())
    left = choices_after_build(school.organisation_id)
    assert "north-somerset" not in [code for code, _ in left["areas"]]
    assert left["count"] == joined["count"] - 2


def library_query_counts(client):
    snapshot = DirectorySnapshot.objects.current()
    action_id = snapshot.library.order_by("action_id").values_list("action_id", flat=True).first()
    paths = {
        "library": reverse("directory:library"),
        "filtered": reverse("directory:library") + "?q=action&sector=vcse&theme=steering-group&sort=progress",
        "action page": reverse("directory:action", args=[action_id]),
        "json": reverse("directory:actions_json"),
    }
    counts = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts[name] = len(queries)
    return counts


def test_library_query_counts_stay_the_same_from_20_to_500_partners(client):
    bulk_directory_partners(20)
    services.build_directory()
    small = library_query_counts(client)
    bulk_directory_partners(480, start=20)
    services.build_directory()
    assert library_query_counts(client) == small
    assert LibraryAction.objects.filter(snapshot=DirectorySnapshot.objects.current()).count() == 800
    # The snapshot, then its rows: a page (and, when filtered, a count) or an action's story.
    # A file is the snapshot (its ETag), then storage.
    assert small == {"library": 2, "filtered": 3, "action page": 3, "json": 1}


def test_a_theme_filter_offers_only_themes_with_shown_actions(client, partners):
    response = client.get(reverse("directory:library"))
    offered = [value for value, _ in response.context["form"].fields["theme"].choices if value]
    shown = set(ActionTheme.objects.filter(actions__in=Action.objects.shown()).values_list("slug", flat=True))
    assert set(offered) == shown
