"""In a real browser: a reviewer finds a refused email, sees whose address bounces, and sends it again."""

import re

import pytest
from playwright.sync_api import expect

from outbox import services as outbox
from outbox.models import BouncedAddress, OutboxEmail
from tests.factories import PledgeFactory
from tests.support.browser import sign_in
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reviewer_sends_an_email_again_once_the_partners_mailbox_is_fixed(
    page, programme_team_member, smtp_server, assert_accessible
):
    pledge = PledgeFactory(approved=True)
    signatory = pledge.created_by.email
    smtp_server.handler.refuse_recipients[signatory] = "550 5.1.1 No such mailbox"
    # Committed at once (no transaction open), so the eager task tries it and the server refuses it.
    email = outbox.queue_email(
        to=signatory, subject="Your pledge is approved", body_text="Welcome.", about=pledge
    )
    assert OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.FAILED

    sign_in(page, programme_team_member.email)
    page.goto("/team/dashboard/")
    page.get_by_role("link", name="See the email not sent and why").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emails not sent")
    expect(page.get_by_role("link", name="Emails not sent")).to_have_attribute("aria-current", "page")
    row = page.locator("main tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(signatory)
    expect(row).to_contain_text("550 5.1.1 No such mailbox")
    expect(row.get_by_text("Emails bounce")).to_be_visible()
    assert_accessible(page)

    # The pledge's page shows the team whose address bounces, and why.
    row.get_by_role("link", name=re.compile(pledge.organisation.name)).click()
    page.wait_for_url(f"**/team/{pledge.pk}/")
    expect(page.get_by_text("Emails bounce").first).to_be_visible()
    assert_accessible(page)
    page.go_back()

    smtp_server.handler.refuse_recipients.clear()  # the partner's IT team fixed the mailbox
    page.get_by_role("button", name=re.compile(r"^Send again")).click()
    page.wait_for_url("**/team/emails/")
    expect(page.get_by_text("1 email will be sent again.")).to_be_visible()
    expect(page.get_by_text("Every email has been sent or is on its way.")).to_be_visible()
    assert_accessible(page)

    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT)
    (received,) = smtp_server.received
    assert received.rcpt_tos == [signatory]
    assert received["Subject"] == "Your pledge is approved"


def test_a_partner_whose_address_bounces_is_warned_on_your_pledge(page, assert_accessible):
    pledge = PledgeFactory(approved=True)
    BouncedAddress.objects.create(email=pledge.created_by.email, reason="550 5.1.1 No such mailbox")
    sign_in(page, pledge.created_by.email)
    callout = page.locator(".nhsuk-warning-callout")
    expect(callout.get_by_role("heading", level=2)).to_have_text("Important: We cannot email you")
    expect(callout).to_contain_text("are being refused by your mail server")
    expect(callout.get_by_role("link", name=re.compile("@"))).to_be_visible()
    assert_accessible(page)
