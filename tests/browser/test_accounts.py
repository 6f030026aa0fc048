"""In a real browser: the account pages use the portal's templates and are accessible, errors included."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_with_a_wrong_password_shows_an_accessible_error(page, assert_accessible, user):
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("not-the-password")
    page.keyboard.press("Enter")
    page.get_by_text("There is a problem").wait_for()
    assert page.get_by_role("link", name="Sign the pledge").count() >= 1  # the portal's own header
    assert_accessible(page)


def test_create_account_errors_keep_the_email_typed(page, assert_accessible):
    page.goto("/accounts/signup/")
    assert_accessible(page)
    page.get_by_label("Email address").fill("new.leader@example.org")
    page.get_by_role("button", name="Create account").click()
    page.get_by_text("There is a problem").wait_for()
    assert page.get_by_label("Email address").input_value() == "new.leader@example.org"
    assert_accessible(page)


def test_password_reset_pages_are_accessible(page, assert_accessible):
    page.goto("/accounts/password/reset/")
    assert_accessible(page)
