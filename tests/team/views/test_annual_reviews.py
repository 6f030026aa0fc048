"""The team's annual reviews pages: cycles due and overdue, reading one review and acknowledging it."""

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews import reminders
from reviews import services as reviews
from tests.factories import MembershipFactory, PledgeFactory
from tests.reviews.test_views import answer_every_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(pledge):
    return pledge.cycles.get()


# The programme team's annual reviews page ---------------------------------------


def test_the_team_reviews_page_asks_for_sign_in_and_refuses_partners(client, pledge):
    response = client.get(reverse("team:annual_reviews"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(pledge.created_by)
    assert client.get(reverse("team:annual_reviews")).status_code == 403
    cycle = pledge.cycles.get()
    assert client.get(reverse("team:annual_review", kwargs={"cycle_id": cycle.pk})).status_code == 403
    assert client.post(reverse("team:annual_review", kwargs={"cycle_id": cycle.pk})).status_code == 403


def test_the_team_sees_cycles_due_soon_overdue_with_reminders_and_recently_reviewed(
    client, programme_team_member, django_assert_max_num_queries
):
    today = timezone.localdate()
    due_soon = PledgeFactory(
        approved=True, signed_on=today - relativedelta(months=12) + relativedelta(days=10)
    )
    overdue = PledgeFactory(
        approved=True, signed_on=today - relativedelta(months=12) - relativedelta(days=20)
    )
    reviewed = PledgeFactory(approved=True, signed_on=today - relativedelta(months=11))
    later = PledgeFactory(approved=True)
    reminders.send_due_reminders()
    cycle = reviewed.cycles.get()
    answer_every_step(cycle, reviewed.created_by)
    reviews.record_review(cycle=cycle, by=reviewed.created_by)

    client.force_login(programme_team_member)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("team:annual_reviews"))
    assert [c.pledge for c in response.context["due_soon"]] == [due_soon]
    assert [c.pledge for c in response.context["overdue"]] == [overdue]
    assert response.context["overdue"][0].overdue_days == 20
    assert response.context["overdue"][0].reminders_sent == 1
    assert [c.pledge for c in response.context["recently_reviewed"]] == [reviewed]
    assert later.organisation.name not in response.content.decode()


def test_the_teams_due_soon_list_starts_with_the_partners_first_reminder(
    client, programme_team_member, settings
):
    settings.REVIEW_REMINDER_OFFSETS = {**settings.REVIEW_REMINDER_OFFSETS, "upcoming": -10}
    today = timezone.localdate()
    a_year_before = today - relativedelta(months=12)
    in_five_days = PledgeFactory(approved=True, signed_on=a_year_before + relativedelta(days=5))
    PledgeFactory(approved=True, signed_on=a_year_before + relativedelta(days=15))
    client.force_login(programme_team_member)
    response = client.get(reverse("team:annual_reviews"))
    assert [c.pledge for c in response.context["due_soon"]] == [in_five_days]
    assert "Due in the next 10 days (1)" in response.content.decode()


def test_the_team_reviews_page_makes_the_same_number_of_queries_for_few_or_many_cycles(
    client, programme_team_member
):
    today = timezone.localdate()

    def add_cycles(count):
        for offset in range(count):
            PledgeFactory(approved=True, signed_on=today - relativedelta(months=12, days=offset - 10))
            reviewed = PledgeFactory(approved=True, signed_on=today - relativedelta(months=11))
            answer_every_step(reviewed.cycles.get(), reviewed.created_by)
            reviews.record_review(cycle=reviewed.cycles.get(), by=reviewed.created_by)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("team:annual_reviews")).status_code == 200
        return len(context)

    client.force_login(programme_team_member)
    add_cycles(2)
    few = queries()
    add_cycles(10)
    assert queries() == few


def test_the_team_reads_a_review_sees_the_contacts_and_acknowledges_it(client, programme_team_member, pledge):
    contact = MembershipFactory(organisation=pledge.organisation, role="contact").user
    cycle = pledge.cycles.get()
    for number in (1, 2):
        reviews.save_action_progress(
            cycle=cycle, number=number, by=contact, progress="in_progress", what_happened=f"Story {number}"
        )
        reviews.continue_action(cycle=cycle, number=number, by=contact)
    reviews.save_review_message(cycle=cycle, by=contact, message="Private note for the team")
    reviews.record_review(cycle=cycle, by=contact)

    client.force_login(programme_team_member)
    detail = reverse("team:annual_review", kwargs={"cycle_id": cycle.pk})
    body = client.get(detail).content.decode()
    for text in ("Story 1", "Story 2", "Private note for the team", contact.email, pledge.created_by.email):
        assert text in body
    response = client.post(detail, {"message": "Thank you, inspiring."})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.acknowledged_by == programme_team_member
    assert cycle.acknowledgement_message == "Thank you, inspiring."


def test_the_team_review_page_asks_for_sign_in_before_saying_whether_a_cycle_exists(client):
    response = client.get(reverse("team:annual_review", kwargs={"cycle_id": 999999}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_team_annual_review_paths_emailed_before_the_renaming_redirect_for_good(client, cycle):
    list_page = client.get("/review/reviews/?due=soon")
    detail_page = client.get(f"/review/reviews/{cycle.pk}/")
    assert (list_page.status_code, list_page.url) == (301, "/team/annual-reviews/?due=soon")
    assert (detail_page.status_code, detail_page.url) == (301, f"/team/annual-reviews/{cycle.pk}/")
