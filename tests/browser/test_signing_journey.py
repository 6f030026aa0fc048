"""In a real browser, keyboard only: a new leader signs up, verifies their email, signs and submits."""

import re

import pytest
from django.core import mail

from outbox.models import OutboxEmail
from pledges.models import Pledge
from tests.factories import OrganisationFactory, PledgeFactory, UserFactory
from tests.support.browser import sign_in as sign_in_through_the_page
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


PASSWORD = "a-long-test-password"


def type_into(page, selector, text):
    page.locator(selector).focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


def press(page, selector, key="Space"):
    page.locator(selector).focus()
    page.keyboard.press(key)


def activate(page, locator):
    """Follow a link or press a button with the keyboard, and wait for the next page."""
    locator.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def continue_(page):
    activate(page, page.locator("main").get_by_role("button", name="Continue"))


def sign_up_and_verify(page, email):
    activate(page, page.get_by_role("link", name="Start now"))
    assert "/accounts/signup/" in page.url
    type_into(page, "input[name=name]", "Priya Shah")
    type_into(page, "input[name=email]", email)
    type_into(page, "input[name=password1]", PASSWORD)
    type_into(page, "input[name=password2]", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    [message] = [m for m in mail.outbox if email in m.to]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0)
    page.goto(link)  # as if following the link in the email
    activate(page, page.locator("main").get_by_role("button"))


def sign_in(page, email):
    type_into(page, "input[name=login]", email)
    type_into(page, "input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def add_organisation(page, assert_accessible, name):
    type_into(page, "input[name=q]", name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name=re.compile("No organisations match")).is_visible()
    assert_accessible(page)
    activate(page, page.get_by_role("link", name="Add your organisation"))
    assert page.locator("input[name=name]").input_value() == name
    press(page, "#id_kind_0")
    page.locator("select[name=sector]").focus()
    page.keyboard.type("Vol")
    press(page, "#id_areas_0")
    press(page, "#id_areas_1")
    type_into(page, "input[name=website]", "https://lawrence-weston-larder.example.org")
    type_into(page, "textarea[name=description]", "A community larder run by volunteers.")
    assert_accessible(page)
    continue_(page)


def fill_action(page, n, *, title=True):
    press(page, f"#id_action-{n}-theme_{n - 1}")
    if title:
        type_into(page, f"#id_action-{n}-title", f"Our action {n}")
    type_into(page, f"#id_action-{n}-description", f"What we will do for action {n}.")
    press(page, f"#id_action-{n}-is_continuing_{n - 1}")
    press(page, f"#id_action-{n}-commitments_{n}")


def fill_about_you(page, name):
    type_into(page, "input[name=signatory_name]", name)
    type_into(page, "input[name=signatory_job_title]", "Chair")
    press(page, "#id_signatory_role_0")
    continue_(page)


def test_a_new_leader_signs_up_verifies_and_signs_the_pledge_with_the_keyboard_only(
    page, assert_accessible, live_server, settings
):
    settings.SITE_URL = live_server.url  # the emailed link leads to the site the browser is on
    page.goto("/pledge/sign/")
    assert_accessible(page)
    sign_up_and_verify(page, "leader@lawrence-weston-larder.example.org")
    assert page.url.endswith("/pledge/sign/organisation/")
    assert_accessible(page)

    add_organisation(page, assert_accessible, "Lawrence Weston Larder")
    assert re.search(r"/pledge/\d+/about-you/$", page.url)
    continue_(page)  # nothing filled in: the errors are shown, and must be accessible too
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    fill_about_you(page, "Priya Sharma")

    assert page.url.endswith("/commitments/")
    assert_accessible(page)
    press(page, "input[name=agree]")
    continue_(page)

    for n in (1, 2):
        assert page.url.endswith(f"/actions/{n}/")
        assert_accessible(page)
        fill_action(page, n)
        continue_(page)
    assert page.url.endswith("/actions/")
    assert_accessible(page)
    activate(page, page.locator("main").get_by_role("link", name="Continue"))

    assert page.url.endswith("/publishing/")
    assert_accessible(page)
    assert page.locator("input[name=show_logo]").count() == 0  # no logo was given, so none to show
    assert page.locator("main input:checked").count() == 0
    press(page, "#id_show_actions_0")
    press(page, "#id_show_signatory_1")
    continue_(page)

    assert page.url.endswith("/check/")
    assert_accessible(page)
    main = page.inner_text("main")
    for answer in (
        "Lawrence Weston Larder",
        "Priya Sharma",
        "Our action 1",
        "Our action 2",
        "Yes, to all of them",
    ):
        assert answer in main
    activate(page, page.locator("main").get_by_role("link", name="Continue"))

    assert page.url.endswith("/declaration/")
    assert_accessible(page)
    type_into(page, "input[name=declaration_name]", "priya  sharma")
    activate(page, page.get_by_role("button", name="Sign and submit the pledge"))

    pledge = Pledge.objects.get(organisation__name="Lawrence Weston Larder")
    assert page.url.endswith(f"/pledge/{pledge.pk}/submitted/")
    assert page.get_by_role("heading", level=1).inner_text() == "Pledge submitted"
    assert pledge.reference in page.inner_text("main")
    assert_accessible(page)
    assert pledge.status == Pledge.Status.SUBMITTED
    assert OutboxEmail.objects.about(pledge).count() == 2


def test_a_leader_who_leaves_halfway_finds_their_draft_intact_after_signing_in_again(page, assert_accessible):
    user = UserFactory(email="chair@filwood-forum.example.org", name="")
    page.goto("/accounts/login/?next=/pledge/sign/organisation/")
    sign_in(page, user.email)
    # An account made before sign-up asked for names is asked once, then goes on where it was going.
    type_into(page, "input[name=name]", "Dee Barnes")
    continue_(page)
    add_organisation(page, lambda page: None, "Filwood Forum")
    fill_about_you(page, "Dee Barnes")
    assert page.url.endswith("/commitments/")

    activate(page, page.get_by_role("button", name="Sign out"))
    if page.url.endswith("/accounts/logout/"):  # allauth may ask to confirm
        activate(page, page.locator("main").get_by_role("button"))
    page.goto("/my/")
    sign_in(page, user.email)

    assert page.url.endswith("/my/")
    assert "Not yet submitted" in page.inner_text("main")
    assert_accessible(page)
    activate(page, page.get_by_role("link", name=re.compile("Edit your organisation's details")))
    assert_accessible(page)
    activate(page, page.get_by_role("link", name="Back"))
    activate(page, page.get_by_role("link", name=re.compile("Continue your pledge")))
    assert page.url.endswith("/commitments/")
    activate(page, page.get_by_role("link", name="Back"))
    assert page.locator("input[name=signatory_name]").input_value() == "Dee Barnes"
    assert page.locator("input[name=signatory_job_title]").input_value() == "Chair"
    assert page.locator("#id_signatory_role_0").is_checked()


def test_possible_duplicates_and_organisations_already_pledged_are_explained_accessibly(
    page, assert_accessible
):
    PledgeFactory(approved=True, organisation__name="Southmead Development Trust")
    free = OrganisationFactory(name="Southmead Youth Centre", website="https://southmead-youth.example.org")
    user = UserFactory()
    page.goto("/accounts/login/?next=/pledge/sign/organisation/")
    sign_in(page, user.email)

    type_into(page, "input[name=q]", "southmead")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "already has a pledge, so it cannot be chosen" in page.inner_text("main")
    assert_accessible(page)

    activate(page, page.get_by_role("link", name="Add your organisation"))
    type_into(page, "input[name=name]", "The Southmead Youth Centre Ltd")
    press(page, "#id_kind_0")
    page.locator("select[name=sector]").focus()
    page.keyboard.type("Vol")
    press(page, "#id_areas_0")
    continue_(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Is your organisation one of these?"
    assert_accessible(page)
    activate(page, page.get_by_role("button", name=f"Yes, choose {free.name}"))
    assert page.url.endswith("/about-you/")
    assert Pledge.objects.get(organisation=free).created_by == user


def test_half_an_action_2_is_kept_with_action_1_when_a_leader_leaves_and_comes_back_on_a_phone(
    browser, live_server, assert_accessible
):
    user = UserFactory()
    pledge = PledgeFactory(created_by=user, with_actions=False)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in_through_the_page(page, user.email)

    page.goto(f"/pledge/{pledge.pk}/actions/1/")
    examples = page.locator("details", has_text="Examples from the pledge")
    assert examples.bounding_box()["y"] < page.locator("#id_action-1-theme_0").bounding_box()["y"]
    assert examples.bounding_box()["y"] < 844  # on the first screen
    fill_action(page, 1)
    continue_(page)
    assert page.url.endswith("/actions/2/")
    fill_action(page, 2, title=False)
    type_into(page, "#id_action-2-target_date_0", "31")
    type_into(page, "#id_action-2-target_date_1", "2")
    type_into(page, "#id_action-2-target_date_2", "2027")
    continue_(page)  # no title, and 31 February: errors, and the rest is kept
    assert page.title().startswith("Error: ")
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.locator("#id_action-2-target_date_1").input_value() == "2"
    assert_accessible(page)

    page.goto("/")  # leave
    page.goto(f"/pledge/{pledge.pk}/continue/")  # and return
    assert page.url.endswith("/actions/")
    assert "Our action 1" in page.inner_text("main")
    activate(page, page.get_by_role("link", name="Describe action 2"))
    assert page.locator("#id_action-2-description").input_value() == "What we will do for action 2."
    assert page.locator("#id_action-2-theme_1").is_checked()
    assert page.locator("#id_action-2-is_continuing_1").is_checked()
    assert page.locator("#id_action-2-commitments_2").is_checked()
    assert page.locator("#id_action-2-title").input_value() == ""
    assert_accessible(page)
    context.close()


def test_a_change_link_on_check_your_answers_puts_the_cursor_in_the_field(page, live_server):
    user = UserFactory()
    pledge = PledgeFactory(created_by=user)
    sign_in_through_the_page(page, user.email)
    page.goto(f"/pledge/{pledge.pk}/check/")
    activate(page, page.get_by_role("link", name="Change action 2 title"))
    assert page.url.endswith("#id_action-2-title")
    assert page.evaluate("document.activeElement.id") == "id_action-2-title"
    page.keyboard.press("End")
    page.keyboard.type(" again")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/pledge/{pledge.pk}/check/")  # back, without the field's #anchor
    assert " again" in page.inner_text("main")


def test_what_was_typed_in_an_action_is_kept_when_the_leader_leaves_by_a_link(page, live_server):
    user = UserFactory()
    pledge = PledgeFactory(created_by=user, with_actions=False)
    sign_in_through_the_page(page, user.email)
    page.goto(f"/pledge/{pledge.pk}/actions/1/")
    type_into(page, "#id_action-1-description", "Typed, then the phone rang.")
    press(page, "#id_action-1-theme_2")
    activate(page, page.get_by_role("link", name="Your pledge").first)  # leaves without pressing a button
    # The form went in the background as the page was left; wait for it before coming back.
    assert wait_for(lambda: Pledge.objects.get(pk=pledge.pk).action_drafts, timeout=5)

    page.goto(f"/pledge/{pledge.pk}/actions/1/")
    assert page.locator("#id_action-1-description").input_value() == "Typed, then the phone rang."
    assert page.locator("#id_action-1-theme_2").is_checked()
