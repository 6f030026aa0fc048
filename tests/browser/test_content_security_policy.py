"""The Content-Security-Policy blocks nothing the portal's pages need, and the NHS.UK scripts still run."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import PROGRAMME_TEAM_GROUP
from directory.services import build_directory
from tests.factories import UserFactory, directory_partner
from tests.support.browser import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_main_pages_run_their_scripts_with_no_policy_violations(page, csp_violations):
    partner = directory_partner("Riverside Housing")
    build_directory()
    member = UserFactory(is_staff=True)
    member.groups.add(Group.objects.get(name=PROGRAMME_TEAM_GROUP))

    public = [
        "/",
        "/pledge/",
        "/partners/",
        f"/partners/{partner.organisation.slug}/",
        "/partners/open-data/",
        "/privacy/",
        "/accounts/signup/",
        "/no-such-page/",
    ]
    for path in public:
        page.goto(path)
        # Set by static/js/portal.js: the module script loaded and ran under the policy.
        assert "js-enabled" in page.locator("body").get_attribute("class"), path

    sign_in(page, member.email)
    signed_in = [
        "/my/",
        reverse("team:queue"),
        reverse("team:dashboard"),
        reverse("team:pledge", args=[partner.pk]),
        reverse("mfa_index"),
        reverse("admin:index"),
    ]
    for path in signed_in:
        page.goto(path)
    assert csp_violations == []


def test_two_factor_set_up_shows_its_qr_code_under_the_policy_and_is_accessible(page, assert_accessible):
    member = UserFactory(is_staff=True)
    sign_in(page, member.email)
    page.get_by_role("link", name="Two-factor sign-in").click()
    assert_accessible(page)
    page.goto(reverse("mfa_activate_totp"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"**{reverse('mfa_activate_totp')}")
    qr_code = page.locator("img[src^='data:image/svg+xml']")
    assert qr_code.evaluate("image => image.naturalWidth") > 0  # drawn: img-src allows it
    assert_accessible(page)


def test_an_inline_script_would_be_reported(page, csp_violations, live_server):
    # The check above can fail: a page running inline script is caught.
    page.goto("/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.ran = 1";
            document.body.append(script);
        }"""
    )
    page.wait_for_timeout(200)
    assert any("script-src" in violation for violation in csp_violations)
    csp_violations.clear()
