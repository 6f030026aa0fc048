"""The annual programme report's figures: small numbers hidden for the public, shown actions only."""

import datetime

import pytest
from django.utils import timezone

from organisations.models import Organisation
from pledge_portal.errors import NotAllowed
from pledges.models import Action, Pledge, PledgeEvent, ReportNarrative, ReviewCycle
from pledges.services.narrative import save_report_narrative
from reviews.annual_report import SUPPRESSED, build_report, compare, report_years
from tests.factories import PledgeEventFactory, UserFactory, directory_partner

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
S = Organisation.Sector


def table(report, slug):
    return dict(report.chart(slug).table)


def test_counts_below_five_show_as_fewer_than_five_in_the_public_report_only():
    for n in range(5):
        directory_partner(f"Health {n}", sector=S.NHS_HEALTH)
    for n in range(4):
        directory_partner(f"Housing {n}", sector=S.HOUSING)
    public = table(build_report(year=YEAR), "partners-by-sector")
    assert public["NHS and health"] == ["5", "5"]
    assert public["Housing"] == [SUPPRESSED, SUPPRESSED]
    assert public["Education"] == [SUPPRESSED, SUPPRESSED]
    team = table(build_report(year=YEAR, public=False), "partners-by-sector")
    assert team["Housing"] == ["4", "4"]
    assert team["Education"] == ["0", "0"]


def test_a_hidden_count_draws_no_bar_and_its_headline_gives_nothing_away():
    for n in range(3):
        directory_partner(f"Housing {n}", sector=S.HOUSING)
    chart = build_report(year=YEAR).chart("partners-by-sector")
    assert all(bar["width"] == 0 and bar["value"] == SUPPRESSED for bar in chart.bars)
    assert chart.headline == f"Partners by sector: every group has {SUPPRESSED}."
    assert "3" not in chart.headline


def test_the_headline_names_the_largest_group():
    for n in range(6):
        directory_partner(f"School {n}", sector=S.EDUCATION)
    chart = build_report(year=YEAR).chart("partners-by-sector")
    assert chart.headline == "Partners by sector: the largest is Education, with 6 partners."
    assert max(bar["width"] for bar in chart.bars) == 440


def test_the_public_report_counts_only_shown_actions_and_progress():
    for n in range(5):
        directory_partner(f"Open {n}", theme="policy-review")
        directory_partner(f"Closed {n}", theme="policy-review", show_actions=False)
    public = table(build_report(year=YEAR), "actions-by-theme")
    team = table(build_report(year=YEAR, public=False), "actions-by-theme")
    assert public["Reviewing policies through a trauma-informed lens"] == ["10"]
    assert team["Reviewing policies through a trauma-informed lens"] == ["20"]


def test_progress_on_last_years_actions_counts_only_progress_partners_show():
    last_year = datetime.date(YEAR - 1, 3, 1)
    for n in range(6):
        pledge = directory_partner(f"Reviewed {n}", signed_on=last_year)
        cycle = pledge.cycles.get()
        cycle.reviewed_at = timezone.now()
        cycle.show_progress = n < 3
        cycle.save()
        cycle.actions.update(progress=Action.Progress.COMPLETED)
    public = table(build_report(year=YEAR), "progress-last-year")
    team = table(build_report(year=YEAR, public=False), "progress-last-year")
    assert public["Completed"] == ["6"]
    assert team["Completed"] == ["12"]


def test_reviews_and_the_share_on_time():
    for n in range(10):
        pledge = directory_partner(f"Due {n}", signed_on=datetime.date(YEAR - 1, 1, 10))
        cycle = pledge.cycles.get()
        if n < 6:
            late = n >= 5
            cycle.reviewed_at = timezone.make_aware(
                datetime.datetime.combine(
                    cycle.due_on + datetime.timedelta(days=30 if late else -3), datetime.time(9)
                )
            )
            cycle.save()
    report = build_report(year=YEAR, public=False)
    assert dict(report.chart("annual-reviews").table) == {
        "Completed on time": ["5"],
        "Completed late": ["1"],
        "Not completed yet": ["4"],
    }
    assert dict(report.totals)["Share of those completed on time"] == "50%"
    assert dict(build_report(year=YEAR).totals)["Share of those completed on time"] == "50%"
    # Four on time: the share would give a small count away, so the public does not see it.
    ReviewCycle.objects.filter(pledge__organisation__name="Due 0").update(reviewed_at=timezone.now())
    public = build_report(year=YEAR)
    assert dict(public.totals)["Share of those completed on time"] == f"Not shown ({SUPPRESSED})"


def test_retention_counts_partners_that_continued_lapsed_or_withdrew_during_the_year():
    earlier = datetime.date(YEAR - 1, 6, 1)
    pledges = [directory_partner(f"Partner {n}", signed_on=earlier) for n in range(8)]
    for pledge in pledges[:2]:
        Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.WITHDRAWN)
        PledgeEventFactory(pledge=pledge, kind=PledgeEvent.Kind.WITHDRAWN)
    PledgeEventFactory(pledge=pledges[2], kind=PledgeEvent.Kind.LAPSED)
    assert dict(build_report(year=YEAR, public=False).chart("retention").table) == {
        "Continued": ["5"],
        "Lapsed": ["1"],
        "Withdrew": ["2"],
    }


def test_the_teams_view_sets_each_figure_beside_last_years():
    directory_partner("Last Year", signed_on=datetime.date(YEAR - 1, 5, 1))
    directory_partner("This Year")
    report = compare(build_report(year=YEAR, public=False), build_report(year=YEAR - 1, public=False))
    assert report.totals[0] == ("Partners signed by the end of the year", "2", "1")
    assert report.chart("partners-by-sector").headings == [
        f"Signed by the end of the year, {YEAR}",
        f"Signed by the end of the year, {YEAR - 1}",
    ]


def test_report_years_run_from_the_first_signing_to_this_year():
    directory_partner("Early", signed_on=datetime.date(YEAR - 2, 2, 1))
    assert report_years() == [YEAR, YEAR - 1, YEAR - 2]


def test_the_narrative_is_written_by_the_programme_team_only(programme_team_member):
    save_report_narrative(year=YEAR, text="  A year of growth.  ", by=programme_team_member)
    save_report_narrative(year=YEAR, text="A year of steady growth.", by=programme_team_member)
    assert ReportNarrative.objects.get().text == "A year of steady growth."
    assert build_report(year=YEAR).narrative == "A year of steady growth."
    with pytest.raises(NotAllowed):
        save_report_narrative(year=YEAR, text="Mine now.", by=UserFactory())
    assert ReportNarrative.objects.get().text == "A year of steady growth."
