"""The database enforces the pledge's invariants, whatever the code above it does; the queries read true."""

import pytest
from django.db import IntegrityError, transaction

from organisations.models import Organisation
from organisations.selectors import find_possible_duplicates
from pledges.models import Action, Pledge, with_live_pledge_flag
from tests.factories import ActionFactory, PledgeFactory, ReviewCycleFactory

pytestmark = pytest.mark.django_db


def test_a_second_live_pledge_for_the_same_organisation_is_refused():
    pledge = PledgeFactory(submitted=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        PledgeFactory(organisation=pledge.organisation)


@pytest.mark.parametrize("status", [Pledge.Status.REJECTED, Pledge.Status.WITHDRAWN, Pledge.Status.LAPSED])
def test_an_organisation_can_start_again_after_a_pledge_that_ended(status):
    ended = PledgeFactory(status=status)
    PledgeFactory(organisation=ended.organisation)
    assert ended.organisation.pledges.count() == 2


def test_a_third_action_in_a_cycle_is_refused():
    cycle = ReviewCycleFactory()
    ActionFactory(pledge=cycle.pledge, cycle=cycle, number=1)
    ActionFactory(pledge=cycle.pledge, cycle=cycle, number=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(pledge=cycle.pledge, cycle=cycle, number=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(pledge=cycle.pledge, cycle=cycle, number=2)
    assert Action.objects.filter(cycle=cycle).count() == 2


def test_a_pledge_has_at_most_two_draft_actions():
    pledge = PledgeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(pledge=pledge, number=1)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Pledge.Status.DRAFT, []),
        (Pledge.Status.SUBMITTED, ["approve", "request_changes", "reject"]),
        (Pledge.Status.CHANGES_REQUESTED, []),
        (Pledge.Status.APPROVED, ["withdraw"]),
        (Pledge.Status.REJECTED, []),
        (Pledge.Status.WITHDRAWN, ["reinstate"]),
        (Pledge.Status.LAPSED, ["reinstate"]),
    ],
)
def test_each_status_allows_its_own_decisions(status, allowed):
    assert Pledge(status=status).decisions_allowed == allowed


def test_a_pledge_reference_is_stable_and_readable():
    pledge = PledgeFactory()
    assert pledge.reference == f"TIP-{pledge.pk:05d}"


def test_organisations_found_when_signing_say_whether_they_already_have_a_live_pledge():
    pledge = PledgeFactory(submitted=True, organisation__name="Bristol City Council")
    PledgeFactory(status=Pledge.Status.WITHDRAWN, organisation__name="Bristol Mind")
    among = with_live_pledge_flag(Organisation.objects.all())
    [found] = find_possible_duplicates(name="bristol city council ltd", among=among)
    assert found == pledge.organisation and found.has_live_pledge is True
    [gone] = find_possible_duplicates(name="Bristol Mind Charity", among=among)
    assert gone.has_live_pledge is False


@pytest.mark.parametrize("show_actions", [True, False, None])
def test_a_review_shows_progress_as_the_pledge_shows_actions_until_the_partner_chooses(
    show_actions,
):
    cycle = PledgeFactory(approved=True, show_actions=show_actions).cycles.get()
    assert cycle.shows_progress is bool(show_actions)


@pytest.mark.parametrize("chosen", [True, False])
def test_the_partners_own_choice_to_show_progress_wins_over_the_pledges(chosen):
    cycle = PledgeFactory(approved=True, show_actions=not chosen).cycles.get()
    cycle.show_progress = chosen
    assert cycle.shows_progress is chosen


def test_every_pledge_status_has_a_tag_colour():
    assert set(Pledge.STATUS_TAG_COLOURS) == set(Pledge.Status)
