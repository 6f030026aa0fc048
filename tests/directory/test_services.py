"""Building the directory: idempotent, atomic, harmless when concurrent, and triggered after commit."""

import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.urls import reverse

from directory import build as directory_build
from directory import services as directory_services
from directory import tasks as directory_tasks
from directory.models import DirectoryBuildRequest, DirectoryEntry, DirectorySnapshot
from pledges.models import Pledge
from pledges.services import decisions
from tests.factories import PledgeFactory, directory_partner
from tests.support.directory import file_body, names_listed_in
from tests.support.waiting import wait_for

DIRECTORY = reverse("directory:directory")


def listed(client):
    return names_listed_in(client.get(DIRECTORY))


def in_a_thread(target):
    """Run `target` in a thread with its own database connection, keeping any exception."""
    errors = []

    def run():
        try:
            target()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.django_db
def test_building_again_with_nothing_new_gives_the_same_content():
    directory_partner("Steady Partner")
    first = directory_services.build_directory()
    second = directory_services.build_directory()
    third = directory_services.build_directory()
    assert third.pk != first.pk
    assert third.content_hash == second.content_hash == first.content_hash
    assert third.content_changed_at == first.content_changed_at
    assert third.partner_count == 1
    # Old snapshots are cleared away: the current one and the one before it are kept.
    assert DirectorySnapshot.objects.count() == directory_services.SNAPSHOTS_KEPT
    assert DirectoryEntry.objects.filter(snapshot__in=[first.pk]).count() == 0


def test_a_reader_during_a_build_sees_the_old_snapshot_until_the_new_one_commits(
    transactional_db, client, monkeypatch
):
    directory_partner("Old Partner")
    directory_services.build_directory()
    directory_partner("New Partner")

    written, release = threading.Event(), threading.Event()
    number_positions = directory_services._number_positions

    def pause_after_writing_entries(*args, **kwargs):
        result = number_positions(*args, **kwargs)
        written.set()
        release.wait(10)
        return result

    monkeypatch.setattr(directory_services, "_number_positions", pause_after_writing_entries)
    thread, errors = in_a_thread(directory_services.build_directory)
    try:
        assert written.wait(10)
        # The new snapshot and its rows are written but not committed: readers see the old one whole.
        assert listed(client) == ["Old Partner"]
        assert json.loads(file_body(client.get(reverse("directory:partners_json"))))["count"] == 1
        assert client.get(reverse("directory:partner", kwargs={"slug": "new-partner"})).status_code == 404
    finally:
        release.set()
        thread.join(10)
    assert errors == []
    assert listed(client) == ["New Partner", "Old Partner"]
    assert json.loads(file_body(client.get(reverse("directory:partners_json"))))["count"] == 2


def test_concurrent_builds_are_harmless(transactional_db, client):
    for number in range(5):
        directory_partner(f"Partner {number}")
    threads = [in_a_thread(directory_services.build_directory) for _ in range(3)]
    for thread, _ in threads:
        thread.join(30)
    assert [errors for _, errors in threads] == [[], [], []]
    assert listed(client) == [f"Partner {number}" for number in range(5)]
    current = DirectorySnapshot.objects.current()
    assert current.entries.count() == 5
    directory_services.build_directory()
    assert DirectorySnapshot.objects.count() == directory_services.SNAPSHOTS_KEPT


@pytest.mark.django_db
def test_an_approval_builds_the_directory_only_once_it_commits(
    client, programme_team_member, django_capture_on_commit_callbacks
):
    pledge = PledgeFactory(submitted=True, organisation__name="Waiting Partner")
    directory_services.build_directory()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        decisions.approve_pledge(pledge=pledge, by=programme_team_member)
        raise RuntimeError("something after the approval failed")
    assert listed(client) == []

    with django_capture_on_commit_callbacks(execute=True):
        decisions.approve_pledge(pledge=pledge, by=programme_team_member)
    assert listed(client) == ["Waiting Partner"]


@pytest.mark.django_db
def test_the_build_task_retries_when_the_database_fails(monkeypatch):
    directory_partner("Retried Partner")
    build = directory_build.build_entries
    calls = []

    def failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("the database went away")
        return build(*args, **kwargs)

    monkeypatch.setattr(directory_build, "build_entries", failing_once)
    directory_tasks.build_directory.apply()
    assert len(calls) == 2
    assert DirectorySnapshot.objects.current().partner_count == 1


@pytest.mark.django_db
def test_the_build_directory_command_builds_and_reports():
    directory_partner("Command Partner")
    out = io.StringIO()
    call_command("build_directory", stdout=out)
    assert "Built the directory: 1 partner in" in out.getvalue()
    assert DirectorySnapshot.objects.current().partner_count == 1


@pytest.mark.django_db
def test_the_old_render_directory_command_still_builds_and_says_it_was_renamed():
    directory_partner("Cron Partner")
    out, err = io.StringIO(), io.StringIO()
    call_command("render_directory", stdout=out, stderr=err)
    assert "render_directory is now called build_directory" in err.getvalue()
    assert "Built the directory: 1 partner in" in out.getvalue()
    assert DirectorySnapshot.objects.current().partner_count == 1


def test_a_real_worker_builds_the_directory_after_approval_and_withdrawal_commit(
    transactional_db, celery_worker, client, programme_team_member
):
    pledge = PledgeFactory(submitted=True, organisation__name="Worker Partner")
    directory_services.build_directory()
    assert listed(client) == []

    decisions.approve_pledge(pledge=pledge, by=programme_team_member)
    assert wait_for(lambda: listed(client) == ["Worker Partner"])

    decisions.withdraw_pledge(pledge=pledge, by=programme_team_member, reason="They asked us to.")
    assert wait_for(lambda: listed(client) == [])
    assert (
        client.get(reverse("directory:partner", kwargs={"slug": pledge.organisation.slug})).status_code == 410
    )


def test_an_approval_still_stands_when_the_broker_is_down_for_its_build(
    transactional_db, broker_down, client, programme_team_member
):
    pledge = PledgeFactory(submitted=True, organisation__name="Patient Partner")
    decisions.approve_pledge(pledge=pledge, by=programme_team_member)  # enqueueing fails, and is logged
    assert Pledge.objects.get(pk=pledge.pk).status == Pledge.Status.APPROVED
    assert listed(client) == ["Patient Partner"]  # no snapshot yet: the first request builds one


@pytest.mark.broker
def test_a_change_whose_build_was_lost_with_the_broker_is_shown_by_the_build_sweep(
    transactional_db, client, programme_team_member, request
):
    pledge = PledgeFactory(submitted=True, organisation__name="Patient Partner")
    directory_services.build_directory()
    request.getfixturevalue("broker_down")
    decisions.approve_pledge(pledge=pledge, by=programme_team_member)
    assert listed(client) == []  # the build task never reached a worker
    assert DirectoryBuildRequest.objects.count() == 1

    directory_tasks.build_requested_directory.apply()  # beat's sweep, every few minutes
    assert listed(client) == ["Patient Partner"]
    assert not DirectoryBuildRequest.objects.exists()


@pytest.mark.django_db
def test_a_burst_of_changes_is_shown_by_one_build():
    directory_partner("Busy Partner")
    for _ in range(3):
        DirectoryBuildRequest.objects.create()
    assert directory_services.build_requested_directory().partner_count == 1
    built = DirectorySnapshot.objects.count()
    assert directory_services.build_requested_directory() is None  # the burst's other tasks: nothing to do
    assert DirectorySnapshot.objects.count() == built


@pytest.mark.django_db
def test_a_change_requested_after_a_build_began_reading_waits_for_the_next_build(monkeypatch):
    DirectoryBuildRequest.objects.create()
    build = directory_build.build_entries

    def build_while_a_change_lands(*args, **kwargs):
        yield from build(*args, **kwargs)
        DirectoryBuildRequest.objects.create()  # made after the reads began: not in this snapshot

    monkeypatch.setattr(directory_build, "build_entries", build_while_a_change_lands)
    directory_services.build_directory()
    assert DirectoryBuildRequest.objects.count() == 1
