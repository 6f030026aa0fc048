"""In a real browser: the team confirms a lapse and gives more time; a partner changes its name."""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from directory import services as directory
from organisations.models import Organisation
from pledges.models import Pledge
from reviews import lapsing
from reviews.models import Reminder
from tests.factories import PledgeFactory, directory_partner
from tests.support.browser import sign_in
from tests.support.dates import fill_date_input

pytestmark = pytest.mark.django_db(transaction=True)


def due_to_lapse(name):
    """An approved partner whose review is 100 days overdue, escalated and given its notice 20 days ago."""
    today = timezone.localdate()
    pledge = PledgeFactory(
        approved=True,
        organisation__name=name,
        signed_on=today - relativedelta(months=12) - datetime.timedelta(days=100),
    )
    cycle = pledge.cycles.get()
    for kind in (Reminder.Kind.ESCALATION, Reminder.Kind.LAPSE_NOTICE):
        Reminder.objects.create(cycle=cycle, kind=kind)
    Reminder.objects.filter(cycle=cycle).update(sent_at=timezone.now() - datetime.timedelta(days=20))
    return pledge


def test_the_team_gives_one_partner_more_time_and_confirms_the_other_lapse(
    page, programme_team_member, assert_accessible
):
    staying = due_to_lapse("Kingswood Family Hub")
    leaving = due_to_lapse("Quiet Lane Club")
    directory.build_directory()

    sign_in(page, programme_team_member.email)
    page.goto("/team/lapsing/")
    expect(page.get_by_role("link", name="Due to lapse")).to_have_attribute("aria-current", "page")
    expect(page.get_by_label(re.compile("Kingswood Family Hub"))).to_be_visible()
    assert_accessible(page)

    # Nothing chosen and no message: each field says what is missing.
    page.get_by_role("button", name="Confirm the lapse of the chosen partners").click()
    expect(page.get_by_role("link", name="Choose at least one partner whose pledge lapses")).to_be_visible()
    assert page.title().startswith("Error:")
    assert_accessible(page)

    page.get_by_role("link", name="Give more time to Kingswood Family Hub").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Give Kingswood Family Hub more time")
    assert_accessible(page)
    page.get_by_role("button", name="Give more time").click()
    expect(page.get_by_role("link", name="Enter the new due date")).to_be_visible()
    assert_accessible(page)
    new_date = timezone.localdate() + datetime.timedelta(days=30)
    fill_date_input(page, "until", new_date)
    page.get_by_label("Reason").fill("Their leader is on leave until next month.")
    page.get_by_role("button", name="Give more time").click()
    expect(page.get_by_text("Kingswood Family Hub has until")).to_be_visible()
    page.goto(f"/team/annual-reviews/{staying.cycles.get().pk}/")
    expect(page.get_by_text("More time given: now due by")).to_be_visible()
    assert_accessible(page)
    page.goto("/team/lapsing/")

    page.get_by_label(re.compile("Quiet Lane Club")).check()
    page.get_by_label("Message to the partners").fill("We would love you back when you are ready.")
    page.get_by_role("button", name="Confirm the lapse of the chosen partners").click()
    expect(page.get_by_text("1 pledge has lapsed.")).to_be_visible()
    expect(page.locator("#lapsed ~ ul").get_by_role("link", name="Quiet Lane Club")).to_be_visible()
    assert_accessible(page)

    staying.refresh_from_db()
    leaving.refresh_from_db()
    assert (staying.status, leaving.status) == (Pledge.Status.APPROVED, Pledge.Status.LAPSED)
    assert any("We would love you back" in m.body for m in mail.outbox if m.to == [leaving.created_by.email])
    directory.build_directory()
    response = page.goto(f"/partners/{leaving.organisation.slug}/")
    assert response.status == 410
    expect(page.get_by_text("no longer in the list of partners")).to_be_visible()


def test_a_partner_asks_for_a_new_name_the_team_approves_and_the_old_address_moves_for_good(
    page, browser, live_server, programme_team_member, assert_accessible
):
    pledge = directory_partner("Avon Youth Trust")
    directory.build_directory()
    signatory = pledge.created_by

    sign_in(page, signatory.email)
    page.goto(f"/my/organisations/{pledge.organisation_id}/edit/")
    page.get_by_role("link", name="ask the programme team for a new name").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your organisation's name")
    assert_accessible(page)
    page.get_by_label("Why is the name changing?").fill("We merged with Severn Youth.")
    page.get_by_role("button", name="Ask for the new name").click()
    expect(page.get_by_role("link", name="Enter the new name")).to_be_visible()
    expect(page.get_by_label("Why is the name changing?")).to_have_value("We merged with Severn Youth.")
    assert_accessible(page)
    page.get_by_label("New name").fill("Avon and Severn Youth Trust")
    page.get_by_role("button", name="Ask for the new name").click()
    expect(page.get_by_text("We have sent your new name to the programme team.")).to_be_visible()
    assert_accessible(page)

    team_context = browser.new_context(base_url=live_server.url)
    team = team_context.new_page()
    team.set_default_timeout(10_000)
    sign_in(team, programme_team_member.email)
    team.goto("/team/name-changes/")
    assert_accessible(team)
    team.get_by_role("link", name="Avon Youth Trust").click()
    expect(team.get_by_text("We merged with Severn Youth.")).to_be_visible()
    assert_accessible(team)
    team.get_by_label("Decline it").check()
    team.get_by_role("button", name="Save the decision").click()
    expect(team.get_by_role("link", name="Say why the new name is declined")).to_be_visible()
    assert_accessible(team)
    team.get_by_label("Approve the new name").check()
    team.get_by_role("button", name="Save the decision").click()
    expect(team.get_by_text("Avon Youth Trust is now Avon and Severn Youth Trust.")).to_be_visible()
    team_context.close()

    organisation = Organisation.objects.get(pk=pledge.organisation_id)
    assert organisation.slug == "avon-and-severn-youth-trust"
    directory.build_directory()
    # A link on the partner's website, made before the change, lands on the new page.
    response = page.goto("/partners/avon-youth-trust/")
    assert response.request.redirected_from.url.endswith("/partners/avon-youth-trust/")
    assert response.request.redirected_from.response().status == 301
    assert page.url.endswith("/partners/avon-and-severn-youth-trust/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Avon and Severn Youth Trust")
    # Badges already embedded on partners' websites follow the move too (asked afresh, not from the cache).
    moved = page.request.get("/partners/avon-youth-trust/badge.svg", max_redirects=0)
    assert moved.status == 301
    assert moved.headers["location"] == "/partners/avon-and-severn-youth-trust/badge.svg"
    badge = page.request.get("/partners/avon-youth-trust/badge.svg")
    assert "Avon and Severn Youth Trust" in badge.text()


def test_a_lapsed_partner_sees_how_to_return_and_opens_its_overdue_review(
    page, programme_team_member, assert_accessible
):
    pledge = due_to_lapse("Quiet Lane Club")
    lapsing.lapse_pledges(
        cycle_ids=[pledge.cycles.get().pk], by=programme_team_member, message="Come back soon"
    )

    sign_in(page, pledge.created_by.email)
    expect(
        page.get_by_text("This pledge has lapsed because its annual review was not completed.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Complete the overdue review")).click()
    expect(page.get_by_text("Your pledge has lapsed. Complete this review")).to_be_visible()
    assert_accessible(page)
