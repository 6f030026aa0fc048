"""The annual review pages: members only, GET changes nothing, each step saves (the team's: tests/team)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledges.models import Action, ActionTheme, Commitment, Pledge, ReviewCycle
from reviews import services as reviews
from tests.factories import MembershipFactory, PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(pledge):
    return pledge.cycles.get()


def url(name, cycle, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"cycle_id": cycle.pk, **kwargs})


STEP_URLS = [
    ("start", {}),
    ("progress", {"number": 1}),
    ("progress", {"number": 2}),
    ("message", {}),
    ("next_action", {"number": 1}),
    ("next_action", {"number": 2}),
    ("show_progress", {}),
    ("check", {}),
]


def answer_every_step(cycle, by):
    for number in (1, 2):
        reviews.save_action_progress(
            cycle=cycle, number=number, by=by, progress="completed", what_happened="Done"
        )
        reviews.continue_action(cycle=cycle, number=number, by=by)


def snapshot(cycle):
    """Everything a review can change, to prove a request changed nothing."""
    cycle.refresh_from_db()
    return (
        cycle.reviewed_at,
        cycle.message_to_team,
        cycle.show_progress,
        list(Action.objects.filter(pledge=cycle.pledge).values_list("cycle", "number", "progress", "title")),
        ReviewCycle.objects.count(),
    )


def test_the_review_pages_ask_people_to_sign_in(client, cycle):
    response = client.get(url("start", cycle))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "kwargs"), STEP_URLS)
def test_people_outside_the_organisation_get_404_for_every_review_page(client, cycle, name, kwargs):
    client.force_login(UserFactory())
    assert client.get(url(name, cycle, **kwargs)).status_code == 404
    assert client.post(url(name, cycle, **kwargs), {"progress": "completed"}).status_code == 404


def test_someone_outside_the_organisation_cannot_submit_its_review(client, cycle, pledge):
    client.force_login(UserFactory())
    before = snapshot(cycle)
    assert client.post(url("check", cycle)).status_code == 404
    assert client.post(url("next_action", cycle, number=1), {"continue": "1"}).status_code == 404
    assert snapshot(cycle) == before


@pytest.mark.parametrize(("name", "kwargs"), STEP_URLS)
def test_opening_any_review_page_changes_nothing(client, cycle, pledge, name, kwargs):
    """Email scanners follow links: a GET, even of the link in the email, only shows the page."""
    client.force_login(pledge.created_by)
    before = snapshot(cycle)
    response = client.get(url(name, cycle, **kwargs))
    assert response.status_code == 200
    assert snapshot(cycle) == before


def test_the_emailed_link_shows_the_start_page_with_the_due_date(client, cycle, pledge):
    client.force_login(pledge.created_by)
    response = client.get(url("start", cycle))
    body = response.content.decode()
    assert "Review your actions" in body
    assert f"{cycle.due_on:%Y}" in body
    assert url("progress", cycle, number=1) in body


def test_a_contact_can_open_the_review(client, cycle, pledge):
    contact = MembershipFactory(organisation=pledge.organisation, role="contact").user
    client.force_login(contact)
    assert client.get(url("start", cycle)).status_code == 200


def test_progress_with_missing_answers_shows_errors_and_keeps_what_was_typed(client, cycle, pledge):
    client.force_login(pledge.created_by)
    response = client.post(url("progress", cycle, number=1), {"what_helped": "Time to reflect together"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Choose how far this action has got" in body
    assert "Tell us briefly what happened" in body
    assert "Time to reflect together" in body
    assert not cycle.actions.exclude(progress="").exists()


def test_each_step_saves_a_draft_and_leads_to_the_next(client, cycle, pledge):
    client.force_login(pledge.created_by)
    response = client.post(
        url("progress", cycle, number=1),
        {"progress": "ongoing", "what_happened": "Now part of how we work", "what_helped": ""},
    )
    assert response.url == url("progress", cycle, number=2)
    assert cycle.actions.get(number=1).progress == Action.Progress.ONGOING

    response = client.post(url("message", cycle), {"message": "Thank you for the support"})
    assert response.url == url("next_action", cycle, number=1)
    cycle.refresh_from_db()
    assert cycle.message_to_team == "Thank you for the support"

    response = client.post(url("next_action", cycle, number=1), {"continue": "Continue this action"})
    assert response.url == url("next_action", cycle, number=2)
    draft = Action.objects.get(pledge=pledge, cycle__isnull=True, number=1)
    assert draft.title == cycle.actions.get(number=1).title

    commitment = Commitment.objects.get(version=pledge.version, number=3)
    response = client.post(
        url("next_action", cycle, number=2),
        {
            "action-2-theme": ActionTheme.objects.get(slug="line-manager-training").pk,
            "action-2-title": "Train every line manager",
            "action-2-description": "Half-day sessions and reflective practice groups.",
            "action-2-is_continuing": "False",
            "action-2-commitments": [commitment.pk],
        },
    )
    assert response.url == url("show_progress", cycle)
    assert Action.objects.get(pledge=pledge, cycle__isnull=True, number=2).title == "Train every line manager"

    response = client.get(url("show_progress", cycle))
    assert response.context["form"].initial["show_progress"] is True  # the pledge's own choice
    response = client.post(url("show_progress", cycle), {"show_progress": "False"})
    assert response.url == url("check", cycle)
    cycle.refresh_from_db()
    assert cycle.show_progress is False


def test_the_step_captions_count_every_step_in_order_and_each_back_link_goes_one_step_back(
    client, cycle, pledge
):
    client.force_login(pledge.created_by)
    steps = STEP_URLS[1:-1]  # between the start page and Check your answers
    previous = url("start", cycle)
    for position, (name, kwargs) in enumerate(steps, start=1):
        response = client.get(url(name, cycle, **kwargs))
        assert response.status_code == 200
        caption = f"Step {position} of {len(steps)}: {pledge.organisation.name}"
        assert caption in response.content.decode(), (name, kwargs)
        assert response.context["back_url"] == previous
        previous = url(name, cycle, **kwargs)
    assert client.get(url("check", cycle)).context["back_url"] == previous


def test_check_answers_lists_what_is_missing_and_refuses_to_submit_until_done(client, cycle, pledge):
    client.force_login(pledge.created_by)
    response = client.get(url("check", cycle))
    assert "Say how action 1 went" in response.content.decode()
    response = client.post(url("check", cycle))
    assert response.status_code == 200
    assert "Tell us how each action went" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.reviewed_at is None


def test_submitting_the_review_shows_the_new_cycle(client, cycle, pledge):
    client.force_login(pledge.created_by)
    answer_every_step(cycle, pledge.created_by)
    response = client.post(url("check", cycle), follow=True)
    body = response.content.decode()
    assert "Review submitted" in body
    next_cycle = ReviewCycle.objects.get(pledge=pledge, number=2)
    assert f"{next_cycle.due_on:%Y}" in body
    # The steps of a submitted review lead back to its summary.
    response = client.get(url("progress", cycle, number=1))
    assert response.url == url("start", cycle)


def test_the_review_of_a_withdrawn_pledge_is_closed(client, cycle, pledge):
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.WITHDRAWN)
    client.force_login(pledge.created_by)
    assert "This review is closed" in client.get(url("start", cycle)).content.decode()
    response = client.post(url("progress", cycle, number=1), {"progress": "completed", "what_happened": "x"})
    assert response.url == url("start", cycle)
    assert not cycle.actions.exclude(progress="").exists()


def test_your_pledge_shows_the_current_cycle_its_due_date_history_and_the_review_button(client, pledge):
    cycle = pledge.cycles.get()
    answer_every_step(cycle, pledge.created_by)
    next_cycle = reviews.record_review(cycle=cycle, by=pledge.created_by)
    client.force_login(pledge.created_by)
    response = client.get(reverse("pledges:my_pledges"))
    body = response.content.decode()
    assert f"Year {next_cycle.number}" in body
    assert url("start", next_cycle) in body
    assert "Year 1, reviewed" in body
    assert pledge.created_by.get_full_name() in body


def test_your_pledge_makes_the_same_number_of_queries_for_one_pledge_or_many_years(
    client, django_assert_num_queries
):
    def queries_for(pledge):
        client.force_login(pledge.created_by)
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("pledges:my_pledges")).status_code == 200
        return len(context)

    small = PledgeFactory(approved=True)
    large = PledgeFactory(approved=True)
    for _ in range(3):
        MembershipFactory(organisation=large.organisation, role="contact")
    cycle = large.cycles.get()
    for _ in range(3):
        answer_every_step(cycle, large.created_by)
        cycle = reviews.record_review(cycle=cycle, by=large.created_by)
    assert queries_for(small) == queries_for(large)
