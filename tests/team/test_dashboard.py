"""The programme team's dashboard: correct figures from a known data set, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.models import Area, Organisation
from outbox.models import OutboxEmail
from pledges.models import ActionTheme, Commitment, Pledge, PledgeEvent, ReviewCycle
from team.dashboard import build_dashboard
from tests.factories import (
    ActionFactory,
    OrganisationFactory,
    OutboxEmailFactory,
    PledgeFactory,
    ReviewCycleFactory,
    bulk_pledges,
)

pytestmark = pytest.mark.django_db


def figure(dashboard, slug):
    [found] = [f for f in dashboard["figures"] if f.slug == slug]
    return {row.label: row.count for row in found.rows}


@pytest.fixture
def seeded(db):
    """Three approved partners, one waiting, one rejected, one withdrawn."""
    bristol, north_somerset = Area.objects.get(code="bristol"), Area.objects.get(code="north-somerset")
    nhs = OrganisationFactory(sector=Organisation.Sector.NHS_HEALTH, areas=[bristol, north_somerset])
    council = OrganisationFactory(sector=Organisation.Sector.LOCAL_AUTHORITY, areas=[north_somerset])
    board = OrganisationFactory(kind=Organisation.Kind.STRATEGIC_BOARD, areas=[bristol])
    for organisation, signed_on in [
        (nhs, datetime.date(2026, 1, 15)),
        (council, datetime.date(2026, 1, 20)),
        (board, datetime.date(2026, 3, 2)),
    ]:
        PledgeFactory(organisation=organisation, approved=True, signed_on=signed_on)
    PledgeFactory(submitted=True)
    PledgeFactory(status=Pledge.Status.REJECTED, with_actions=False)
    withdrawn = PledgeFactory(approved=True, signed_on=datetime.date(2025, 12, 1))
    Pledge.objects.filter(pk=withdrawn.pk).update(status=Pledge.Status.WITHDRAWN)


def test_partner_counts_by_month_sector_area_kind_and_status(seeded):
    dashboard = build_dashboard()
    assert dashboard["partners_signed"] == 3
    assert dashboard["waiting"] == 1
    assert figure(dashboard, "signed-by-month") == {
        "December 2025": 1,
        "January 2026": 2,
        "February 2026": 0,
        "March 2026": 1,
    }
    by_sector = figure(dashboard, "by-sector")
    assert by_sector["NHS and health"] == 1
    assert by_sector["Local authority"] == 1
    assert by_sector["Voluntary and community (VCSE)"] == 1
    assert sum(by_sector.values()) == 3
    assert figure(dashboard, "by-area") == {"Bristol": 2, "North Somerset": 2, "South Gloucestershire": 0}
    assert figure(dashboard, "by-kind")["Strategic board"] == 1
    by_status = figure(dashboard, "by-status")
    assert (by_status["Approved"], by_status["Waiting for a decision"], by_status["Not approved"]) == (
        3,
        1,
        1,
    )
    assert by_status["Withdrawn"] == 1


def test_actions_by_theme_and_commitment_count_approved_partners_actions(seeded):
    dashboard = build_dashboard()
    theme = ActionTheme.objects.filter(is_example=True).first()
    assert figure(dashboard, "actions-by-theme") == {theme.name: 6}
    by_commitment = figure(dashboard, "actions-by-commitment")
    first = Commitment.objects.get(version__number=1, number=1)
    assert by_commitment[str(first)] == 6
    assert sum(by_commitment.values()) == 6
    assert len(by_commitment) == 8


def test_an_action_serving_several_commitments_counts_for_each(db):
    pledge = PledgeFactory(approved=True, with_actions=False)
    cycle = ReviewCycleFactory(pledge=pledge)
    ActionFactory(pledge=pledge, cycle=cycle, commitments=Commitment.objects.filter(number__in=[2, 5]))
    by_commitment = figure(build_dashboard(), "actions-by-commitment")
    assert list(by_commitment.values()) == [0, 1, 0, 0, 1, 0, 0, 0]


def test_annual_review_progress_counts_done_due_overdue_and_not_yet_due(db):
    today = timezone.localdate()
    for starts_on, reviewed in [
        (today - datetime.timedelta(days=400), True),  # done
        (today - datetime.timedelta(days=380), False),  # overdue
        (today - datetime.timedelta(days=350), False),  # due within 30 days
        (today - datetime.timedelta(days=100), False),  # not yet due
    ]:
        pledge = PledgeFactory(approved=True, signed_on=starts_on, with_actions=False)
        ReviewCycleFactory(
            pledge=pledge, starts_on=starts_on, reviewed_at=timezone.now() if reviewed else None
        )
    assert ReviewCycle.objects.progress(on=today) == {"done": 1, "overdue": 1, "due": 1, "upcoming": 1}


def test_due_soon_on_the_dashboard_starts_with_the_partners_first_reminder(settings):
    settings.REVIEW_REMINDER_OFFSETS = {**settings.REVIEW_REMINDER_OFFSETS, "upcoming": -10}
    today = timezone.localdate()
    for starts_on in (today - datetime.timedelta(days=360), today - datetime.timedelta(days=350)):
        pledge = PledgeFactory(approved=True, signed_on=starts_on, with_actions=False)
        due_on = starts_on + datetime.timedelta(days=365)
        ReviewCycleFactory(pledge=pledge, starts_on=starts_on, due_on=due_on)
    assert figure(build_dashboard(today=today), "annual-reviews") == {
        "Done": 0,
        "Due in the next 10 days": 1,  # due in 5 days; the other, due in 15, is not yet due
        "Overdue": 0,
        "Not yet due": 1,
    }


def test_median_days_to_decision_runs_from_first_submission_to_first_decision(db):
    now = timezone.now()
    for days in (2, 4, 30):
        pledge = PledgeFactory(submitted=True, with_actions=False)
        submitted = PledgeEvent.objects.create(pledge=pledge, kind=PledgeEvent.Kind.SUBMITTED)
        decided = PledgeEvent.objects.create(pledge=pledge, kind=PledgeEvent.Kind.CHANGES_REQUESTED)
        PledgeEvent.objects.filter(pk=submitted.pk).update(created_at=now - datetime.timedelta(days=days))
        PledgeEvent.objects.filter(pk=decided.pk).update(created_at=now)
    PledgeEvent.objects.create(pledge=PledgeFactory(submitted=True), kind=PledgeEvent.Kind.SUBMITTED)
    assert build_dashboard()["median_days_to_decision"] == 4.0


def test_the_dashboard_shows_tables_with_the_charts(client, programme_team_member, seeded):
    client.force_login(programme_team_member)
    page = client.get(reverse("team:dashboard")).content.decode()
    # Each figure's table, and the annual report's headline figures year on year.
    assert page.count("<table") == 9
    assert page.count('<svg class="team-chart"') == 8
    assert 'aria-hidden="true"' in page


def test_the_dashboard_counts_the_emails_that_could_not_be_sent_and_links_to_them(
    client, programme_team_member
):
    OutboxEmailFactory.create_batch(2, failed=True)
    OutboxEmailFactory(status=OutboxEmail.Status.SENT, sent_at=timezone.now())
    OutboxEmailFactory()  # still on its way
    assert build_dashboard()["failed_emails"] == 2
    client.force_login(programme_team_member)
    page = client.get(reverse("team:dashboard")).content.decode()
    assert "Emails that could not be sent" in page
    assert f'<a href="{reverse("team:failed_emails")}">See the emails not sent and why</a>' in page


def test_with_every_email_sent_the_dashboard_says_so_without_a_link(client, programme_team_member):
    OutboxEmailFactory(status=OutboxEmail.Status.SENT, sent_at=timezone.now())
    client.force_login(programme_team_member)
    page = client.get(reverse("team:dashboard")).content.decode()
    assert "Every email has been sent or is on its way." in page
    assert "See the email" not in page


@pytest.mark.parametrize("size", [10, 200])
def test_the_dashboard_query_count_does_not_grow_with_the_number_of_pledges(
    client, programme_team_member, django_assert_max_num_queries, size
):
    bulk_pledges(size // 2, approved=True)
    bulk_pledges(size // 2, submitted=True)
    OutboxEmail.objects.bulk_create(OutboxEmailFactory.build_batch(size // 10, failed=True))
    client.force_login(programme_team_member)
    # 15 for the figures, 1 for the count of emails not sent, 4 for the report year on year.
    with django_assert_max_num_queries(20) as queries:
        assert client.get(reverse("team:dashboard")).status_code == 200
    print(f"dashboard with {size} pledges: {len(queries)} queries")
