"""In a real browser: the actions library, an action's story and the annual report, accessibly; and the
signing journey's prompt to see what similar organisations are doing, which loses nothing."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from directory import services
from organisations.models import Organisation
from pledges.models import Action
from tests.factories import (
    ActionFactory,
    OrganisationFactory,
    PledgeFactory,
    ReviewCycleFactory,
    directory_partner,
)
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def library():
    """A housing partner a year in, with one action continued and its progress shown."""
    pledge = directory_partner(
        "Harbour Homes",
        sector=Organisation.Sector.HOUSING,
        signed_on=timezone.localdate() - datetime.timedelta(days=400),
    )
    first = pledge.cycles.get()
    Action.objects.filter(cycle=first, number=1).update(
        title="Steering group with tenants",
        progress=Action.Progress.COMPLETED,
        what_helped="Tenants chaired the meetings.",
    )
    first.reviewed_at = timezone.now()
    first.show_progress = True
    first.save()
    second = ReviewCycleFactory(pledge=pledge, number=2, starts_on=first.due_on)
    ActionFactory(
        pledge=pledge, cycle=second, number=1, title="Steering group with tenants", is_continuing=True
    )
    ActionFactory(pledge=pledge, cycle=second, number=2, title="Review our eviction policy")
    for n in range(5):
        directory_partner(f"Partner {n}", sector=Organisation.Sector.NHS_HEALTH)
    services.build_directory()
    return pledge


def test_the_library_and_an_actions_story_are_accessible_by_keyboard(page, assert_accessible, library):
    page.goto("/actions/")
    assert_accessible(page)
    page.get_by_label("Search the actions").focus()
    page.keyboard.type("tenants")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=tenants"))
    results = page.get_by_role("region", name=re.compile("actions? found"))
    assert results.get_by_role("heading", level=3).all_inner_texts() == ["Steering group with tenants"] * 2
    assert_accessible(page)

    results.get_by_role("link", name="Steering group with tenants").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/actions/\d+/$"))
    assert "followed over 2 years" in page.inner_text("main")
    assert page.get_by_text("Tenants chaired the meetings.").is_visible()
    assert_accessible(page)


def test_the_annual_report_and_its_charts_are_accessible(page, assert_accessible, library):
    page.goto("/report/")
    chart = page.get_by_role("img", name=re.compile("Partners by sector"))
    assert chart.count() == 1
    assert_accessible(page)
    page.get_by_text("Show the figures as a table: Partners by sector").click()
    assert page.get_by_role("table", name="Partners by sector").is_visible()
    assert_accessible(page)


def test_a_leader_on_the_actions_step_sees_what_similar_organisations_do_and_loses_nothing(
    page, assert_accessible, live_server, library
):
    organisation = OrganisationFactory(name="Seaside Housing", sector=Organisation.Sector.HOUSING)
    pledge = PledgeFactory(organisation=organisation, with_actions=False)
    client = Client()
    client.force_login(pledge.created_by)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"/pledge/{pledge.pk}/actions/1/")
    page.locator("#id_action-1-title").fill("Listen to tenants first")
    page.locator("#id_action-1-description").fill("Ask tenants what feels safe, before we change anything.")
    assert_accessible(page)

    link = page.get_by_role("link", name="See what similar organisations are doing (opens in a new tab)")
    with page.context.expect_page() as opened:
        link.click()
    library_tab = opened.value
    library_tab.wait_for_load_state()
    assert "sector=housing" in library_tab.url
    assert library_tab.get_by_text("Steering group with tenants").first.is_visible()
    assert library_tab.get_by_text("Partner 0").count() == 0
    library_tab.close()

    page.bring_to_front()
    assert page.url.endswith(f"/pledge/{pledge.pk}/actions/1/")
    assert page.locator("#id_action-1-title").input_value() == "Listen to tenants first"
    assert "before we change anything" in page.locator("#id_action-1-description").input_value()


def test_the_team_writes_the_years_narrative_on_its_unsuppressed_report(
    page, assert_accessible, programme_team_member, library
):
    sign_in(page, programme_team_member.email)
    page.goto("/team/dashboard/")
    page.get_by_role("link", name=re.compile("See every chart of the report")).click()
    page.wait_for_url(re.compile(r"/team/report/$"))
    assert "fewer than 5" not in page.inner_text("main table")
    assert_accessible(page)
    page.get_by_label("The year in a few paragraphs").fill("Partners kept going, and shared what helped.")
    page.get_by_role("button", name="Save the narrative").click()
    page.wait_for_url(re.compile(r"/team/report/\d{4}/$"))
    assert_accessible(page)
    page.goto("/report/")
    assert page.get_by_text("Partners kept going, and shared what helped.").is_visible()
