"""Helpers for the browser tests."""

import re

PASSWORD = "a-long-test-password"  # every UserFactory account's password


def sign_in(page, email):
    """Sign in through the real sign-in page and wait to land: on "Your pledge", or the team's queue."""
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/(my|team)/$"))
