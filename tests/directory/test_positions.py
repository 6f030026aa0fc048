"""Incremental builds move the places for paging to exactly where a full numbering puts them."""

import datetime
import random

import pytest
from django.utils import timezone

from directory import services
from directory.models import DirectoryPosition
from organisations.models import Organisation
from pledges.models import Pledge
from tests.factories import bulk_directory_partners, directory_partner


@pytest.mark.parametrize("seed", range(200))
def test_the_ranges_that_move_put_each_staying_place_where_rebuilding_the_list_would(seed):
    rng = random.Random(seed)
    count = rng.randint(1, 12)
    left = rng.sample(range(1, count + 1), rng.randint(0, count))
    staying = [place for place in range(1, count + 1) if place not in left]
    joining = rng.randint(0, 4)
    joined = rng.sample(range(1, len(staying) + joining + 1), joining)
    # The staying entries, in their order, fill the places the joining ones did not take.
    free = [place for place in range(1, len(staying) + joining + 1) if place not in joined]

    moves = services._moves(left=left, joined=joined)

    def moved(place):
        shifts = [
            shift for start, until, shift in moves if start <= place and (until is None or place < until)
        ]
        assert len(shifts) <= 1
        return place + sum(shifts)

    assert [moved(place) for place in staying] == free
    assert all(shift for _, _, shift in moves)


def places(snapshot):
    """Each listed partner's (place by name, place by date)."""
    return {
        organisation_id: (by_name, by_recent)
        for organisation_id, by_name, by_recent in DirectoryPosition.objects.filter(
            snapshot=snapshot
        ).values_list("entry__organisation_id", "name_position", "recent_position")
    }


def assert_numbered_as_a_full_build_would(snapshot):
    moved = places(snapshot)
    services._number_positions(snapshot)
    numbered = places(snapshot)
    assert moved == numbered
    count = snapshot.entries.count()
    assert sorted(by_name for by_name, _ in numbered.values()) == list(range(1, count + 1))
    assert sorted(by_recent for _, by_recent in numbered.values()) == list(range(1, count + 1))


def withdraw(*pledges):
    Pledge.objects.filter(pk__in=[pledge.pk for pledge in pledges]).update(
        status=Pledge.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )


@pytest.mark.django_db
def test_joins_leaves_and_renames_move_places_as_a_full_numbering_would():
    today = timezone.localdate()
    bulk_directory_partners(12)
    first = directory_partner("Aaron Trust", signed_on=today - datetime.timedelta(days=2000))
    last = directory_partner("Zed Group")
    # Casefolded, "Straße" is "strasse": two names that tie on sort_name, ordered by pk.
    straße = directory_partner("Straße Trust", signed_on=today - datetime.timedelta(days=3))
    snapshot = services.build_directory()
    build = services.build_partners

    # Joining: a new first by name, a new last, in one build; then one tying on sort_name with a partner.
    front = directory_partner("Aardvark Housing", signed_on=today - datetime.timedelta(days=3))
    back = directory_partner("Zzz Care", signed_on=today - datetime.timedelta(days=5000))
    build([front.organisation_id, back.organisation_id])
    assert places(snapshot)[front.organisation_id][0] == 1
    assert places(snapshot)[back.organisation_id] == (snapshot.entries.count(),) * 2
    assert_numbered_as_a_full_build_would(snapshot)
    strasse = directory_partner("Strasse Trust", signed_on=today - datetime.timedelta(days=3))
    build([strasse.organisation_id])
    assert_numbered_as_a_full_build_would(snapshot)

    # An edit that keeps the sort key, of the first of a tie: its new row sorts after the other.
    Organisation.objects.filter(pk=straße.organisation_id).update(website="https://changed.example")
    build([straße.organisation_id])
    assert places(snapshot)[straße.organisation_id][0] == places(snapshot)[strasse.organisation_id][0] + 1
    assert_numbered_as_a_full_build_would(snapshot)

    # Renames move a partner: the first to the end, the last to the front, both in one build.
    Organisation.objects.filter(pk=front.organisation_id).update(name="Zzzz Housing")
    Organisation.objects.filter(pk=last.organisation_id).update(name="Aa Group")
    build([front.organisation_id, last.organisation_id])
    assert places(snapshot)[last.organisation_id][0] == 1
    assert places(snapshot)[front.organisation_id][0] == snapshot.entries.count()
    assert_numbered_as_a_full_build_would(snapshot)

    # A change of date moves a partner in the newest-first order only.
    Pledge.objects.filter(pk=first.pk).update(signed_on=today)
    build([first.organisation_id])
    assert_numbered_as_a_full_build_would(snapshot)

    # Leaving: the first and the last by name, in one build; then one of a tie.
    withdraw(last, front)
    build([last.organisation_id, front.organisation_id])
    assert last.organisation_id not in places(snapshot)
    assert_numbered_as_a_full_build_would(snapshot)
    withdraw(strasse)
    build([strasse.organisation_id])
    assert_numbered_as_a_full_build_would(snapshot)

    # All at once: one leaves, one joins, one is renamed, one is unchanged.
    withdraw(first)
    joining = directory_partner("Middle Partner")
    Organisation.objects.filter(pk=back.organisation_id).update(name="Abbey Care")
    build([first.organisation_id, joining.organisation_id, back.organisation_id, straße.organisation_id])
    assert_numbered_as_a_full_build_would(snapshot)
    assert len(places(snapshot)) == 12 + 3  # the seeded, Straße, Middle and Abbey


@pytest.mark.django_db
def test_the_last_partner_leaving_and_the_first_joining():
    only = directory_partner("Only Partner")
    snapshot = services.build_directory()
    withdraw(only)
    services.build_partners([only.organisation_id])
    assert places(snapshot) == {}
    first = directory_partner("First Partner")
    services.build_partners([first.organisation_id])
    assert places(snapshot) == {first.organisation_id: (1, 1)}


@pytest.mark.django_db
def test_a_large_burst_of_partners_joining_is_numbered_afresh(monkeypatch):
    directory_partner("Listed Partner")
    snapshot = services.build_directory()
    monkeypatch.setattr(services, "PLACES_COUNTED_UP_TO", 2)
    burst = [directory_partner(name) for name in ["Burst C", "Burst A", "Burst B"]]
    services.build_partners([pledge.organisation_id for pledge in burst])
    by_name = sorted(places(snapshot).items(), key=lambda item: item[1][0])
    names = dict(Organisation.objects.values_list("pk", "name"))
    assert [names[organisation_id] for organisation_id, _ in by_name] == [
        "Burst A",
        "Burst B",
        "Burst C",
        "Listed Partner",
    ]
    assert_numbered_as_a_full_build_would(snapshot)
