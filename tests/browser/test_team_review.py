"""In a real browser: the team asks for changes, the signatory resubmits an edit, the team approves it."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from pledges.models import Pledge
from tests.factories import PledgeFactory
from tests.support.browser import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reviewer_asks_for_changes_and_approves_the_resubmitted_pledge(
    page, browser, live_server, programme_team_member, assert_accessible
):
    oldest = PledgeFactory(submitted=True, submitted_at=timezone.now() - timedelta(days=20))
    PledgeFactory(submitted=True)

    sign_in(page, programme_team_member.email)
    page.goto("/team/")
    assert page.get_by_role("heading", level=1).count() == 1
    expect(page.get_by_role("link", name="Waiting for a decision")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("Overdue", exact=True)).to_have_count(1)
    assert_accessible(page)

    page.locator("main tbody tr").first.get_by_role("link").click()
    page.wait_for_url(f"**/team/{oldest.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(oldest.organisation.name)
    assert_accessible(page)

    page.get_by_role("button", name="Ask for changes").click()  # nothing written yet
    expect(
        page.get_by_role("link", name="Write a message to the signatory saying what to change")
    ).to_be_visible()
    assert page.title().startswith("Error:")
    assert_accessible(page)

    message = "Please say which team will lead your first action."
    page.get_by_label("What should the signatory change?").fill(message)
    page.get_by_role("button", name="Ask for changes").click()
    expect(
        page.get_by_text("Changes requested. The signatory has been emailed your message.")
    ).to_be_visible()
    expect(page.get_by_text(message).first).to_be_visible()

    [email] = [m for m in mail.outbox if m.to == [oldest.created_by.email]]
    assert message in email.body

    # The signatory, in a browser of their own, sees the message, edits an action and resubmits.
    partner_context = browser.new_context(base_url=live_server.url)
    partner = partner_context.new_page()
    partner.set_default_timeout(10_000)
    sign_in(partner, oldest.created_by.email)
    expect(partner.get_by_text(message)).to_be_visible()
    partner.get_by_role("link", name=re.compile("Edit and resubmit")).click()
    partner.wait_for_url(re.compile(r"/check/$"))
    partner.get_by_role("link", name="Change action 1 title").click()
    partner.fill("#id_action-1-title", "Our wellbeing team will set up a steering group")
    partner.locator("main").get_by_role("button", name="Save and return to check your answers").click()
    partner.wait_for_url(re.compile(r"/check/$"))
    partner.locator("main").get_by_role("link", name="Continue").click()
    partner.fill("input[name=declaration_name]", oldest.signatory_name)
    partner.get_by_role("button", name="Sign and submit the pledge").click()
    partner.wait_for_url(re.compile(r"/submitted/$"))
    partner_context.close()

    page.goto("/team/")
    row = page.locator("main tbody tr").filter(has_text=oldest.organisation.name)
    expect(row.get_by_text("Resubmitted")).to_be_visible()
    row.get_by_role("link").click()
    changes = page.get_by_role("region", name=re.compile("Each answer changed since you asked"))
    expect(changes.get_by_role("row")).to_have_count(2)  # the header, and the title that changed
    expect(changes.get_by_text("Our wellbeing team will set up a steering group")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Approve pledge").click()
    expect(page.get_by_text("Pledge approved.")).to_be_visible()

    oldest.refresh_from_db()
    assert oldest.status == Pledge.Status.APPROVED
    assert oldest.cycles.get().actions.count() == 2

    # The approval rebuilt the directory: the partner now has its public page.
    page.goto(f"/partners/{oldest.organisation.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(oldest.organisation.name)

    page.goto("/team/dashboard/")
    expect(page.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    assert_accessible(page)


def test_a_partner_withdraws_its_approved_pledge_from_your_pledge(page, assert_accessible):
    pledge = PledgeFactory(approved=True)
    sign_in(page, pledge.created_by.email)
    page.get_by_role("link", name=f"Withdraw the pledge for {pledge.organisation.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Withdraw the pledge for {pledge.organisation.name}"
    )
    assert_accessible(page)

    page.get_by_role("button", name="Withdraw our pledge").click()
    # Withdrawing asks for the password first, then carries on with what was sent.
    page.wait_for_url("**/accounts/reauthenticate/**")
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Say why the pledge is being withdrawn").first).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Why are you withdrawing the pledge?").fill("We are merging with another service.")
    page.get_by_role("button", name="Withdraw our pledge").click()
    page.wait_for_url("**/my/")
    expect(page.get_by_text(f"The pledge for {pledge.organisation.name} is withdrawn.")).to_be_visible()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.WITHDRAWN
