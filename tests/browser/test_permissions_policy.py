"""Chromium recognises every feature the Permissions-Policy header names."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_chromium_reports_no_error_in_the_permissions_policy_header(page):
    errors = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if "Permissions-Policy" in message.text else None,
    )
    response = page.goto("/pledge/")
    assert "camera=()" in response.headers["permissions-policy"]
    page.wait_for_load_state("load")
    assert errors == []
