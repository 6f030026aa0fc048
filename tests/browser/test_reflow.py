"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide no page scrolls sideways; wide tables scroll on their own.

Every page a person can open is listed here, signed out, as a partner and as
the programme team, and a guard test fails when a new page is added to the
URLs without being added here (or to NOT_PAGES, with the reason).
"""

import pytest
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from directory import services
from directory.models import DirectorySnapshot, LibraryAction
from organisations.services import join_requests, name_changes
from pledges.services import versions
from tests.factories import (
    OutboxEmailFactory,
    PledgeFactory,
    UserFactory,
    directory_partner,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 320

# URL names that are not pages a person reads, each with why.
NOT_PAGES = {
    "pledges:sign_choose_organisation": "POST only",
    "pledges:sign_continue": "redirects to a listed step",
    "team:export_partners": "CSV download",
    "team:export_actions": "CSV download",
    "team:export_decisions": "CSV download",
    "team:approve": "POST only",
    "team:request_changes": "POST only",
    "team:reject": "POST only",
    "team:withdraw": "POST only",
    "team:reinstate": "POST only",
    "team:add_note": "POST only",
    "team:send_emails_again": "POST only",
    "organisations:remove_contact": "POST only",
    "organisations:revoke_invitation": "POST only",
    "organisations:accept_invitation": "needs an emailed token; laid out like the contacts page",
    "directory:partners_json": "JSON download",
    "directory:partners_csv": "CSV download",
    "directory:actions_csv": "CSV download",
    "directory:badge_svg": "image",
    "directory:badge_png": "image",
    "directory:certificate": "PDF",
    "account_logout": "POST only",
    "account_inactive": "allauth's page for inactive accounts, which the portal never makes",
    "account_reauthenticate": "asked only before sensitive changes; the same form as sign-in",
    "account_set_password": "every account has a password",
    "account_confirm_login_code": "login by code is off",
    "account_confirm_email": "needs an emailed key",
    "account_reset_password_from_key": "needs an emailed key",
    "account_reset_password_from_key_done": "shown after the emailed key",
    "accounts:send_confirmation_again": "POST only",
    "directory:actions_json": "JSON download",
    "directory:actions_library_csv": "CSV download",
    "directory:report_chart_csv": "CSV download",
    "directory:report_pdf": "PDF",
    "privacy:download_json": "JSON download",
    "privacy:download_csv": "CSV download",
    "team:remind_version": "POST only",
    "organisations:join_request": "shown to the person who asked; laid out like the answer page (listed)",
    "pledges:reaffirm": "needs a published second version; text and a form, like the declaration",
    "pledges:reaffirm_as_signatory": "needs an emailed change of signatory; the declaration's form",
    "mfa_authenticate": "asked at sign-in only once an authenticator is set up; the sign-in form's layout",
    "mfa_reauthenticate": "needs an authenticator set up; the sign-in form's layout",
    "mfa_deactivate_totp": "needs an authenticator set up; a confirmation form",
    "mfa_generate_recovery_codes": "needs an authenticator set up; a confirmation form",
    "mfa_view_recovery_codes": "needs an authenticator set up; a list of ten codes",
    "mfa_download_recovery_codes": "text download",
    "health:live": "plain text for monitoring",
    "health:ready": "plain text for monitoring",
}


def named_urls(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 640})
    session = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return context


@pytest.fixture
def everything(programme_team_member):
    """A partner with an approved pledge due for review and a draft for a second organisation."""
    today = timezone.localdate()
    approved = PledgeFactory(approved=True, signed_on=today - relativedelta(months=12))
    partner = approved.created_by
    draft = PledgeFactory(created_by=partner)
    submitted = PledgeFactory(submitted=True, created_by=partner)
    directory_partner("A partner with a rather long name, Bristol and South Gloucestershire")
    services.build_directory()
    OutboxEmailFactory(to="someone.with.a.very.long.address@a-long-domain-name.example.org", failed=True)
    cycle = approved.cycles.get()
    organisation = approved.organisation
    return {
        "library_action": LibraryAction.objects.filter(snapshot=DirectorySnapshot.objects.current()).first(),
        "join_request": join_requests.request_to_join(organisation=organisation, by=UserFactory()),
        "name_change": name_changes.request_name_change(
            organisation=organisation, by=partner, new_name="A new and longer name", reason="We merged."
        ),
        "draft_version": versions.start_draft_version(by=programme_team_member),
        "partner": partner,
        "team": programme_team_member,
        "approved": approved,
        "draft": draft,
        "submitted": submitted,
        "cycle": cycle,
    }


def pages(data):
    """(who, URL name, URL) for every page; who is None (signed out), "partner" or "team"."""
    draft, approved, cycle = data["draft"].pk, data["approved"], data["cycle"].pk
    organisation = approved.organisation
    anyone = [
        "pages:home",
        "pages:pledge",
        "pages:privacy",
        "pages:accessibility",
        "pages:contact",
        "pledges:sign_start",
        "directory:directory",
        "directory:open_data",
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ]
    yield from ((None, name, reverse(name)) for name in anyone)
    yield None, "directory:partner", reverse("directory:partner", args=[organisation.slug])
    yield None, "directory:pledge_version", reverse("directory:pledge_version", args=[1])
    year = timezone.localdate().year
    yield None, "accounts:reset_password", reverse("accounts:reset_password")
    yield None, "directory:library", reverse("directory:library")
    yield None, "directory:action", reverse("directory:action", args=[data["library_action"].action_id])
    yield None, "directory:report", reverse("directory:report")
    yield None, "directory:report_year", reverse("directory:report_year", args=[year])

    partner = [
        ("pledges:my_pledges", []),
        ("pledges:sign_organisation", []),
        ("pledges:sign_new_organisation", []),
        ("pledges:sign_about_you", [draft]),
        ("pledges:sign_commitments", [draft]),
        ("pledges:sign_action", [draft, 1]),
        ("pledges:sign_action", [draft, 2]),
        ("pledges:sign_actions", [draft]),
        ("pledges:sign_what_to_show", [draft]),
        ("pledges:sign_check", [draft]),
        ("pledges:sign_declaration", [draft]),
        ("pledges:discard_draft", [draft]),
        ("pledges:withdraw_own_pledge", [approved.pk]),
        ("reviews:start", [cycle]),
        ("reviews:progress", [cycle, 1]),
        ("reviews:message", [cycle]),
        ("reviews:next_action", [cycle, 1]),
        ("reviews:show_progress", [cycle]),
        ("reviews:check", [cycle]),
        ("organisations:edit", [organisation.pk]),
        ("organisations:contacts", [organisation.pk]),
        ("organisations:invite_contact", [organisation.pk]),
        ("account_email", []),
        ("account_change_password", []),
        ("accounts:name", []),
        ("privacy:your_data", []),
        ("privacy:close_account", []),
        ("organisations:name_change", [organisation.pk]),
        ("organisations:answer_join_request", [data["join_request"].pk]),
        ("pledges:change_signatory", [approved.pk]),
        ("mfa_index", []),
        ("mfa_activate_totp", []),
    ]
    yield from (("partner", name, reverse(name, args=args)) for name, args in partner)
    yield "partner", "pledges:sign_organisation", reverse("pledges:sign_organisation") + "?q=partner"
    yield "partner", "pledges:sign_submitted", reverse("pledges:sign_submitted", args=[data["submitted"].pk])

    team = [
        ("team:queue", []),
        ("team:dashboard", []),
        ("team:pledge", [data["submitted"].pk]),
        ("team:pledge", [approved.pk]),
        ("team:failed_emails", []),
        ("team:annual_reviews", []),
        ("team:annual_review", [cycle]),
        ("team:lapsing", []),
        ("team:more_time", [cycle]),
        ("team:join_requests", []),
        ("team:name_changes", []),
        ("team:name_change", [data["name_change"].pk]),
        ("team:versions", []),
        ("team:version", [1]),
        ("team:edit_version", [data["draft_version"].number]),
        ("team:preview_version", [data["draft_version"].number]),
        ("team:report", []),
        ("team:report_year", [year]),
    ]
    yield from (("team", name, reverse(name, args=args)) for name, args in team)


def test_every_page_is_in_the_reflow_test_or_says_why_not(everything):
    listed = {name for _who, name, _url in pages(everything)}
    every = {name for name in named_urls(get_resolver().url_patterns) if not name.startswith("admin:")}
    every.discard("reviews:")  # the old annual-review paths: redirects to the listed ones
    assert every - listed - set(NOT_PAGES) == set()


def test_no_page_scrolls_sideways_at_320_css_pixels(browser, live_server, everything):
    contexts = {
        None: browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 640}),
        "partner": signed_in(browser, live_server, everything["partner"]),
        "team": signed_in(browser, live_server, everything["team"]),
    }
    page_for = {who: context.new_page() for who, context in contexts.items()}
    too_wide = []
    for who, _name, url in pages(everything):
        page = page_for[who]
        response = page.goto(url)
        assert response.ok, f"{url} as {who}: {response.status}"
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            too_wide.append(f"{url} as {who or 'anyone'} ({page.url}): {width}px")
    for context in contexts.values():
        context.close()
    assert not too_wide, "\n".join(too_wide)


def test_a_wide_table_scrolls_in_its_own_focusable_region_named_by_its_caption_and_tags_stay_on_one_line(
    browser, live_server, everything, assert_accessible
):
    context = signed_in(browser, live_server, everything["team"])
    page = context.new_page()
    page.goto(reverse("team:queue"))
    region = page.locator(".portal-table-scroll").first
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("role") == "region"
    caption = page.locator(f"#{region.get_attribute('aria-labelledby')}")
    assert caption.evaluate("el => el.tagName") == "CAPTION"
    assert region.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('portal-table-scroll')")
    # Status tags stay on one line on a phone.
    page.goto(reverse("team:pledge", args=[everything["approved"].pk]))
    tags = page.locator("main .nhsuk-tag")
    assert tags.count() > 0
    assert tags.evaluate_all("tags => tags.every(tag => tag.getClientRects().length === 1)")

    # Every page with a table in a scrolling region, at 320px, passes axe.
    for url in (
        reverse("team:queue"),
        reverse("team:pledge", args=[everything["approved"].pk]),
        reverse("team:failed_emails"),
        reverse("team:dashboard"),
        reverse("team:annual_reviews"),
        reverse("directory:open_data"),
    ):
        page.goto(url)
        assert page.locator(".portal-table-scroll").count() > 0, url
        assert_accessible(page)
    context.close()
