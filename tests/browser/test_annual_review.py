"""In a real browser: a partner follows the reminder's link, signs in and completes the review by keyboard."""

import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.utils import timezone

from pledges.models import Action, ReviewCycle
from reviews import reminders
from tests.factories import MembershipFactory, PledgeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def press_on(page, locator, key="Enter"):
    locator.focus()
    page.keyboard.press(key)


def type_into(page, locator, text):
    locator.focus()
    page.keyboard.type(text)


def continue_to(page, url_pattern):
    with page.expect_navigation():
        press_on(page, page.get_by_role("button", name="Continue", exact=True))
    assert re.search(url_pattern, page.url)


def test_a_partner_completes_the_review_from_the_reminder_email_by_keyboard(
    page, live_server, settings, assert_accessible
):
    settings.SITE_URL = live_server.url
    today = timezone.localdate()
    pledge = PledgeFactory(approved=True, signed_on=today - relativedelta(months=12))
    cycle = pledge.cycles.get()
    kept = cycle.actions.get(number=1)
    reminders.send_due_reminders()

    [reminder] = [m for m in mail.outbox if m.to == [pledge.created_by.email]]
    link = re.search(r"https?://\S+/my/reviews/\d+/", reminder.body).group(0)
    page.goto(link)
    type_into(page, page.locator("#id_login"), pledge.created_by.email)
    type_into(page, page.locator("#id_password"), "a-long-test-password")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"^[^?]*/my/reviews/{cycle.pk}/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Review your actions"
    assert_accessible(page)

    press_on(page, page.get_by_role("button", name="Start the review"))
    page.wait_for_url(re.compile(r"/progress/1/$"))
    continue_to(page, r"/progress/1/$")  # nothing chosen: the errors are shown, accessibly
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert_accessible(page)
    for number, progress in ((1, "In progress"), (2, "Ongoing: part of how we work now")):
        press_on(page, page.get_by_label(progress), " ")
        page.keyboard.press("Tab")
        page.keyboard.type(f"What happened with action {number}.")
        page.keyboard.press("Tab")
        page.keyboard.type("Leaders' time helped.")
        if number == 1:
            continue_to(page, r"/progress/2/$")
            assert_accessible(page)
    continue_to(page, r"/message/$")
    assert_accessible(page)
    type_into(page, page.get_by_label(re.compile("anything else")), "We would welcome a visit.")
    continue_to(page, r"/next/1/$")
    assert_accessible(page)

    press_on(page, page.get_by_role("button", name="Continue this action"))
    page.wait_for_url(re.compile(r"/next/2/$"))
    assert_accessible(page)
    press_on(page, page.get_by_label("Other", exact=True), " ")
    type_into(page, page.get_by_label("Short title"), "Co-produce our complaints process")
    type_into(page, page.get_by_label("What will you do?"), "Work with people who use our services.")
    press_on(page, page.get_by_label("It is new work"), " ")
    press_on(page, page.get_by_label(re.compile(r"^6\. ")), " ")
    continue_to(page, r"/publishing/$")
    assert_accessible(page)
    assert page.get_by_label(re.compile("^Yes, show")).is_checked()  # the pledge's own choice

    continue_to(page, r"/check/$")
    assert_accessible(page)
    assert "We would welcome a visit." in page.inner_text("main")
    press_on(page, page.get_by_role("button", name="Submit the review"))
    page.wait_for_url(re.compile(rf"^[^?]*/my/reviews/{cycle.pk}/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Review submitted"
    next_cycle = ReviewCycle.objects.get(pledge=pledge, number=2)
    assert f"{next_cycle.due_on:%B %Y}" in page.inner_text("main")
    assert_accessible(page)

    titles = list(next_cycle.actions.order_by("number").values_list("title", flat=True))
    assert titles == [kept.title, "Co-produce our complaints process"]
    assert Action.objects.get(pk=kept.pk).progress == Action.Progress.IN_PROGRESS


def sign_in(page, email):
    page.goto("/accounts/login/")
    type_into(page, page.locator("#id_login"), email)
    type_into(page, page.locator("#id_password"), "a-long-test-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_your_pledge_contacts_and_the_team_reviews_pages_are_accessible(
    page, assert_accessible, programme_team_member
):
    pledge = PledgeFactory(approved=True, signed_on=timezone.localdate() - relativedelta(months=12, days=20))
    contact = MembershipFactory(organisation=pledge.organisation, role="contact")
    reminders.send_due_reminders()
    sign_in(page, pledge.created_by.email)

    page.goto("/my/")
    assert_accessible(page)
    press_on(page, page.get_by_role("link", name=re.compile("Invite or remove contacts")))
    page.wait_for_url(re.compile(r"/contacts/$"))
    assert_accessible(page)
    press_on(page, page.get_by_role("button", name="Invite a colleague"))
    page.wait_for_url(re.compile(r"/invite/$"))
    type_into(page, page.get_by_label("Your colleague's email address"), "not an email")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("Your colleague's email address").fill("colleague@example.org")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "colleague@example.org" in page.inner_text("main")
    assert_accessible(page)
    [invitation] = [m for m in mail.outbox if m.to == ["colleague@example.org"]]
    page.goto(re.search(r"/my/invitations/\S+/", invitation.body).group(0))
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in with the invited email address"
    assert_accessible(page)
    page.goto(f"/my/organisations/{pledge.organisation_id}/contacts/{contact.pk}/remove/")
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, programme_team_member.email)
    page.goto("/team/annual-reviews/")
    assert pledge.organisation.name in page.inner_text("main")
    assert_accessible(page)
    press_on(page, page.get_by_role("link", name=pledge.organisation.name))
    page.wait_for_url(re.compile(r"/team/annual-reviews/\d+/$"))
    assert contact.user.email in page.inner_text("main")
    assert_accessible(page)
