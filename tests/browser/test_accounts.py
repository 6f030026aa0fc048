"""In a real browser: the account pages use the portal's templates and are accessible, errors included, and
no account journey dead-ends: another device, a resend, a forgotten password."""

import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.utils import timezone

from demo.logins import DEMO_PASSWORD
from demo.models import DemoAccount
from reviews import reminders
from tests.factories import PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password"
NEW_PASSWORD = "a-brand-new-test-password"


def emailed_link(to, pattern):
    [message] = [m for m in mail.outbox if m.to == [to]][-1:]
    return re.search(rf"https?://\S+{pattern}\S*", message.body).group(0)


def submit(page, button):
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=button).click()


def sign_in(page, email, password=PASSWORD):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    submit(page, "Sign in")


def test_sign_in_with_a_wrong_password_shows_an_accessible_error(page, assert_accessible, user):
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("not-the-password")
    page.keyboard.press("Enter")
    page.get_by_text("There is a problem").wait_for()
    assert page.get_by_role("link", name="Sign the pledge").count() >= 1  # the portal's own header
    assert_accessible(page)


def test_in_development_a_newcomer_signs_in_with_a_login_from_the_demo_accounts_panel(
    page, assert_accessible, settings
):
    settings.DEBUG = True
    leader = UserFactory(email="leader@portishead-mens-shed.org.uk")
    DemoAccount.objects.create(user=leader)
    page.goto("/accounts/login/")
    panel = page.get_by_role("region", name="Demo accounts")
    assert panel.get_by_text(leader.email).is_visible()
    assert panel.get_by_text(DEMO_PASSWORD).is_visible()
    assert_accessible(page)
    sign_in(page, leader.email, DEMO_PASSWORD)
    assert "/accounts/login/" not in page.url


def test_create_account_errors_keep_the_email_typed(page, assert_accessible):
    page.goto("/accounts/signup/")
    assert_accessible(page)
    page.get_by_label("Email address").fill("new.leader@example.org")
    page.get_by_role("button", name="Create account").click()
    page.get_by_text("There is a problem").wait_for()
    assert page.get_by_text("Enter your full name").count() >= 1
    assert page.get_by_label("Email address").input_value() == "new.leader@example.org"
    assert_accessible(page)


def test_a_new_leader_verifies_on_another_device_and_lands_on_the_organisation_step(
    page, browser, live_server, settings, assert_accessible
):
    settings.SITE_URL = live_server.url
    page.goto("/pledge/sign/")
    with page.expect_navigation():
        page.get_by_role("link", name="Start now").click()
    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Email address").fill("leader@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    submit(page, "Create account")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert_accessible(page)

    # Asking again at once: the page says plainly that no email went, and when to ask again.
    submit(page, "Send the link again")
    assert page.get_by_text("We have not sent another link yet").is_visible()
    assert page.get_by_text(re.compile(r"You can ask for a new one from \d\d:\d\d")).is_visible()
    assert_accessible(page)
    assert len([m for m in mail.outbox if m.to == ["leader@example.org"]]) == 1

    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    other = phone.new_page()
    try:
        other.goto(emailed_link("leader@example.org", "/accounts/confirm-email/"))
        assert other.get_by_role("heading", level=1).inner_text() == "Confirm your email address"
        assert_accessible(other)
        submit(other, "Confirm my email address")
        assert "/accounts/login/" in other.url
        sign_in(other, "leader@example.org")
        assert other.url.endswith("/pledge/sign/organisation/")
    finally:
        phone.close()


def test_a_password_reset_from_a_reminder_link_lands_on_the_annual_review(
    page, live_server, settings, assert_accessible
):
    settings.SITE_URL = live_server.url
    pledge = PledgeFactory(approved=True, signed_on=timezone.localdate() - relativedelta(months=12))
    cycle = pledge.cycles.get()
    reminders.send_due_reminders()
    email = pledge.created_by.email

    page.goto(emailed_link(email, r"/my/reviews/\d+/"))
    with page.expect_navigation():
        page.get_by_role("link", name="Forgotten your password?").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Reset your password"
    assert_accessible(page)
    submit(page, "Email me a link")  # nothing typed: the error is beside the field
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    submit(page, "Email me a link")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert_accessible(page)

    page.goto(emailed_link(email, "/accounts/password/reset/key/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Set a new password"
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm your new password").fill("something-else-entirely")
    submit(page, "Save my new password")
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm your new password").fill(NEW_PASSWORD)
    submit(page, "Save my new password")

    assert "/accounts/login/" in page.url  # taken to sign in with the new password...
    sign_in(page, email, NEW_PASSWORD)
    assert page.url.endswith(f"/my/reviews/{cycle.pk}/")  # ...and on to the annual review
    assert page.get_by_role("heading", level=1).inner_text() == "Review your actions"


def test_an_account_without_a_name_is_asked_for_it_accessibly(page, assert_accessible):
    user = UserFactory(name="")
    page.goto("/accounts/login/")
    sign_in(page, user.email)
    assert page.get_by_role("heading", level=1).inner_text() == "What is your name?"
    assert_accessible(page)
    submit(page, "Continue")
    assert page.get_by_text("Enter your full name").first.is_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Sam Jones")
    submit(page, "Continue")
    assert page.url.endswith("/my/")


def test_the_confirmation_link_page_explains_an_expired_link(page, assert_accessible):
    page.goto("/accounts/confirm-email/not-a-key/")
    assert page.get_by_text("This link has expired or has already been used.").is_visible()
    assert_accessible(page)
