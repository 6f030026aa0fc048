"""In a real browser: the team drafts, previews and publishes version 2, and the signatory reaffirms it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pledges.models import PledgeVersion
from tests.factories import PledgeFactory
from tests.support.browser import sign_in
from tests.support.dates import fill_date_input

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_team_publishes_version_2_and_the_signatory_reaffirms_it(
    page, browser, live_server, programme_team_member, assert_accessible
):
    pledge = PledgeFactory(approved=True)

    sign_in(page, programme_team_member.email)
    page.goto("/team/versions/")
    expect(page.get_by_role("link", name="Pledge wording")).to_have_attribute("aria-current", "page")
    assert_accessible(page)
    page.get_by_role("button", name="Draft a new version").click()
    page.wait_for_url("**/team/versions/2/edit/")
    assert_accessible(page)

    # A commitment left without its wording: the error beside it, and the rest kept.
    page.get_by_label("Wording").first.fill("")
    page.get_by_label("Example actions").fill("Setting up a steering group\nListening to children")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("link", name="Commitment 1: Enter the commitment's wording")).to_be_visible()
    assert page.title().startswith("Error:")
    expect(page.get_by_label("Example actions")).to_have_value(
        "Setting up a steering group\nListening to children"
    )
    assert_accessible(page)

    page.get_by_label("Wording").first.fill("Together, we recognise that trauma and adversity are common.")
    page.get_by_role("button", name="Save and preview").click()
    page.wait_for_url("**/team/versions/2/preview/")
    expect(page.locator("ins").filter(has_text="Together,").first).to_be_visible()
    expect(page.get_by_role("heading", name="Introduction (unchanged)")).to_be_visible()
    assert_accessible(page)

    fill_date_input(page, "effective_on", datetime.date(2000, 1, 1))
    page.get_by_role("button", name="Publish this version").click()
    expect(page.get_by_role("link", name="The date it takes effect must be today or later")).to_be_visible()
    assert_accessible(page)

    fill_date_input(page, "effective_on", timezone.localdate())
    page.get_by_role("button", name="Publish this version").click()
    page.wait_for_url("**/team/versions/2/")
    expect(page.get_by_text("Version 2 is published.")).to_be_visible()
    assert_accessible(page)
    assert PledgeVersion.objects.current().number == 2

    # The signatory, in a browser of their own, reaffirms from "Your pledge".
    partner_context = browser.new_context(base_url=live_server.url)
    partner = partner_context.new_page()
    partner.set_default_timeout(10_000)
    sign_in(partner, pledge.created_by.email)
    assert_accessible(partner)
    partner.get_by_role("link", name=f"Reaffirm the pledge for {pledge.organisation.name}").click()
    expect(partner.get_by_role("heading", level=1)).to_have_text(
        f"Reaffirm the pledge for {pledge.organisation.name}"
    )
    assert_accessible(partner)
    partner.get_by_text("What changed since version 1").click()
    expect(partner.locator("ins").filter(has_text="Together,").first).to_be_visible()
    assert_accessible(partner)

    partner.get_by_label("Type your full name to reaffirm the pledge").fill("Somebody Else")
    partner.get_by_role("button", name="Reaffirm the pledge").click()
    assert partner.title().startswith("Error:")
    assert_accessible(partner)
    partner.get_by_label("Type your full name to reaffirm the pledge").fill(pledge.created_by.name)
    partner.get_by_role("button", name="Reaffirm the pledge").click()
    expect(partner.get_by_text("has reaffirmed version 2 of the pledge")).to_be_visible()
    pledge.refresh_from_db()
    assert pledge.version.number == 2
    partner_context.close()

    page.reload()
    expect(page.locator("main table")).to_contain_text(pledge.organisation.name)
    page.goto("/pledge/version/1/")
    expect(page.get_by_text("Replaced on")).to_be_visible()
    assert_accessible(page)
