"""The team's "due to lapse" page and "give more time": who may reach them, confirming, and bad input."""

import datetime
from datetime import timedelta

import pytest
from django.urls import reverse

from outbox.models import OutboxEmail
from pledges.models import Pledge, PledgeEvent
from reviews import lapsing
from reviews.models import Reminder
from tests.factories import PledgeFactory, UserFactory
from tests.reviews.test_lapsing import ESCALATED_ON, LAPSES_ON, NOTICE_ON, approved_pledge, at, sweep_on
from tests.support.dates import date_input

pytestmark = pytest.mark.django_db

LAPSING = reverse("team:lapsing")


def more_time_url(cycle):
    return reverse("team:more_time", kwargs={"cycle_id": cycle.pk})


def due_to_lapse(name):
    """An approved partner, noticed and due to lapse on LAPSES_ON."""
    pledge = approved_pledge(organisation__name=name)
    sweep_on(ESCALATED_ON)
    sweep_on(NOTICE_ON)
    return pledge


def notified(name):
    """An approved partner, noticed, whose lapse is still to come on LAPSES_ON."""
    pledge = approved_pledge(organisation__name=name, signed_on=datetime.date(2026, 6, 25))
    sweep_on(ESCALATED_ON + timedelta(days=10))
    sweep_on(NOTICE_ON + timedelta(days=10))
    return pledge


def pages_and_posts(cycle):
    return [
        (LAPSING, {"cycles": [cycle.pk], "message": "Sorry to see you go"}),
        (more_time_url(cycle), {**date_input("until", datetime.date(2028, 1, 31)), "reason": "Leader away"}),
    ]


# Access matrix ------------------------------------------------------------------------------


def test_the_lapsing_pages_ask_for_sign_in_and_refuse_everyone_outside_the_team(client):
    pledge = due_to_lapse("Quiet Partner")
    cycle = pledge.cycles.get()
    with at(LAPSES_ON, hour=10):
        for url, data in pages_and_posts(cycle):
            for response in (client.get(url), client.post(url, data)):
                assert response.status_code == 302, url
                assert response.url.startswith(reverse("account_login")), url
        for outsider in (pledge.created_by, UserFactory(is_staff=True)):
            client.force_login(outsider)
            for url, data in pages_and_posts(cycle):
                assert client.get(url).status_code == 403, url
                assert client.post(url, data).status_code == 403, url
    pledge.refresh_from_db()
    cycle.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED
    assert cycle.more_time_until is None


def test_more_time_for_a_cycle_not_waiting_is_404_for_the_team(client, programme_team_member):
    client.force_login(programme_team_member)
    reviewed = PledgeFactory(approved=True)
    cycle = reviewed.cycles.get()
    Pledge.objects.filter(pk=reviewed.pk).update(status=Pledge.Status.WITHDRAWN)
    assert client.get(more_time_url(cycle)).status_code == 404


# The page ------------------------------------------------------------------------------------


def test_the_team_sees_who_is_due_to_lapse_who_was_notified_and_confirms_several_at_once(
    client, programme_team_member
):
    first, second, third = (due_to_lapse(name) for name in ("Quiet One", "Quiet Two", "Quiet Three"))
    waiting = notified("Still Time")
    with at(LAPSES_ON, hour=10):
        client.force_login(programme_team_member)  # signed in on the day, so the session is fresh
        response = client.get(LAPSING)
        assert response.status_code == 200
        due = [cycle.pledge.organisation.name for cycle in response.context["due"]]
        assert due == ["Quiet One", "Quiet Two", "Quiet Three"]
        assert [cycle.pledge for cycle in response.context["notified"]] == [waiting]
        assert b"Give more time" in response.content

        cycles = [first.cycles.get().pk, second.cycles.get().pk]
        response = client.post(LAPSING, {"cycles": cycles, "message": "We hope to see you again."})
        assert response.status_code == 302
        response = client.get(response.url)
    assert b"2 pledges have lapsed" in response.content
    statuses = {p.organisation.name: p.status for p in Pledge.objects.select_related("organisation")}
    assert statuses == {
        "Quiet One": "lapsed",
        "Quiet Two": "lapsed",
        "Quiet Three": "approved",
        "Still Time": "approved",
    }
    assert {p.organisation.name for p in response.context["lapsed"]} == {"Quiet One", "Quiet Two"}
    assert third.cycles.get() in response.context["due"]

    # One by one: the last partner alone.
    with at(LAPSES_ON, hour=11):
        client.force_login(programme_team_member)
        response = client.post(LAPSING, {"cycles": [third.cycles.get().pk], "message": "Come back soon."})
        response = client.get(response.url)
    assert b"1 pledge has lapsed" in response.content
    assert PledgeEvent.objects.filter(kind=PledgeEvent.Kind.LAPSED).count() == 3


def test_confirming_with_nothing_chosen_and_no_message_explains_beside_each_field(
    client, programme_team_member
):
    due_to_lapse("Quiet Partner")
    with at(LAPSES_ON, hour=10):
        client.force_login(programme_team_member)  # signed in on the day, so the session is fresh
        response = client.post(LAPSING, {"cycles": [], "message": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "cycles": ["Choose at least one partner whose pledge lapses"],
        "message": ["Write a message to the partners"],
    }
    assert b"<title>Error: " in response.content
    assert not Pledge.objects.filter(status=Pledge.Status.LAPSED).exists()


def test_a_partner_lapsed_by_someone_else_meanwhile_is_explained_and_the_message_kept(
    client, programme_team_member
):
    pledge = due_to_lapse("Quiet Partner")
    cycle = pledge.cycles.get()
    other = UserFactory()
    other.groups.set(programme_team_member.groups.all())
    with at(LAPSES_ON, hour=10):
        client.force_login(programme_team_member)  # signed in on the day, so the session is fresh
        lapsing.lapse_pledges(cycle_ids=[cycle.pk], by=other, message="Lapsed first")
        response = client.post(LAPSING, {"cycles": [cycle.pk], "message": "My own words"})
    assert response.status_code == 200
    assert "no longer due to lapse" in response.context["form"].errors["cycles"][0]
    assert b"My own words" in response.content
    assert PledgeEvent.objects.filter(kind=PledgeEvent.Kind.LAPSED).count() == 1


def test_the_team_gives_more_time_and_bad_dates_are_explained_with_the_reason_kept(
    client, programme_team_member
):
    pledge = due_to_lapse("Quiet Partner")
    cycle = pledge.cycles.get()
    with at(LAPSES_ON, hour=10):
        client.force_login(programme_team_member)  # signed in on the day, so the session is fresh
        assert client.get(more_time_url(cycle)).status_code == 200
        response = client.post(
            more_time_url(cycle), {**date_input("until", datetime.date(2027, 9, 1)), "reason": "Leader away"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors == {"until": ["The new due date must be in the future"]}
        assert b"Leader away" in response.content
        response = client.post(more_time_url(cycle), {**date_input("until", "not a date"), "reason": ""})
        assert set(response.context["form"].errors) == {"until", "reason"}
        response = client.post(
            more_time_url(cycle),
            {**date_input("until", datetime.date(2027, 10, 31)), "reason": "Leader away"},
        )
        assert response.status_code == 302
        assert response.url == LAPSING
    cycle.refresh_from_db()
    assert cycle.more_time_until == datetime.date(2027, 10, 31)
    assert pledge.events.filter(kind=PledgeEvent.Kind.MORE_TIME).count() == 1
    assert OutboxEmail.objects.filter(subject__contains="More time").count() == 2  # signatory and contact
    assert not Reminder.cycles_due_to_lapse(on=LAPSES_ON).exists()


def test_a_lapsed_partner_sees_how_to_return_and_can_open_its_overdue_review(client, programme_team_member):
    pledge = due_to_lapse("Quiet Partner")
    cycle = pledge.cycles.get()
    contact = pledge.organisation.memberships.get(role="contact").user
    with at(LAPSES_ON, hour=10):
        lapsing.lapse_pledges(cycle_ids=[cycle.pk], by=programme_team_member, message="Sorry")
    client.force_login(contact)
    response = client.get(reverse("reviews:start", kwargs={"cycle_id": cycle.pk}))
    assert response.status_code == 200
    assert b"Your pledge has lapsed" in response.content
    progress = reverse("reviews:progress", kwargs={"cycle_id": cycle.pk, "number": 1})
    assert client.get(progress).status_code == 200
