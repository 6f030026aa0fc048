"""In a real browser: searching and filtering the directory by keyboard, opening a partner, accessibly."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from directory import services
from organisations.models import Organisation
from pledges.models import Pledge
from tests.factories import directory_partner

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def directory():
    S = Organisation.Sector
    directory_partner("Alpha Health", sector=S.NHS_HEALTH, signed_on=datetime.date(2024, 5, 1))
    directory_partner("Gamma Health College", sector=S.EDUCATION, areas=["north-somerset"])
    directory_partner("Beta Housing", sector=S.HOUSING, show_signatory=True, signatory_name="Robin Shown")
    services.build_directory()


def test_search_and_filter_by_keyboard_then_open_a_partner(page, assert_accessible, directory):
    page.goto("/partners/")
    assert page.get_by_text("3 partners have signed").is_visible()
    assert_accessible(page)

    page.locator("summary", has_text="Search and filter").focus()
    page.keyboard.press("Enter")  # opens the collapsed filters
    page.get_by_label("Search by name").focus()
    page.keyboard.type("health")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q=health"))
    assert page.title().startswith("2 partners match “health”")
    results = page.get_by_role("region", name="2 partners match “health”")
    assert results.get_by_role("heading", level=3).all_inner_texts() == [
        "Alpha Health",
        "Gamma Health College",
    ]
    assert page.get_by_label("Search by name").is_visible()  # the filters stay open
    assert_accessible(page)

    page.get_by_label("Sector", exact=True).focus()
    page.keyboard.type("Education")
    page.get_by_role("button", name="Search").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"sector=education"))
    assert page.get_by_label("Search by name").input_value() == "health"
    results = page.get_by_role("region", name=re.compile("1 partner matches"))
    assert results.get_by_role("heading", level=3).all_inner_texts() == ["Gamma Health College"]

    page.get_by_role("link", name="Gamma Health College").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/partners/gamma-health-college/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Gamma Health College"
    assert_accessible(page)


def test_on_a_phone_the_results_start_on_the_first_screen_even_with_the_filters_open(
    browser, live_server, assert_accessible, directory
):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    for url in ("/partners/", "/partners/?q=health&sector=nhs_health"):
        page.goto(url)
        first_result = page.get_by_role("link", name="Alpha Health")
        assert first_result.bounding_box()["y"] + first_result.bounding_box()["height"] < 844, url
    assert page.get_by_label("Search by name").is_visible()
    assert_accessible(page)
    context.close()


def test_the_directory_with_no_results_is_accessible(page, assert_accessible, directory):
    page.goto("/partners/?q=zebra&sector=housing")
    assert page.get_by_role("heading", name="No partners match “zebra”").is_visible()
    assert_accessible(page)


def test_a_partner_page_showing_its_signatory_is_accessible(page, assert_accessible, directory):
    page.goto("/partners/beta-housing/")
    assert page.get_by_text("Robin Shown, Chief Executive").is_visible()
    assert_accessible(page)


def test_the_open_data_page_is_accessible(page, assert_accessible, directory):
    page.goto("/partners/open-data/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Open data")
    assert_accessible(page)


def test_your_pledge_with_the_certificate_and_badge_is_accessible(page, assert_accessible, live_server):
    pledge = directory_partner("Badge Partner")
    services.build_directory()
    client = Client()
    client.force_login(pledge.created_by)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/my/")
    assert (
        page.get_by_role("img", name=re.compile("Badge Partner has signed")).count() == 0
    )  # decorative here
    snippet = page.get_by_label("HTML to put the badge on your website").input_value()
    assert f'<a href="{settings.SITE_URL}/partners/{pledge.organisation.slug}/">' in snippet
    assert page.get_by_role("link", name=re.compile("certificate of signing")).is_visible()
    assert_accessible(page)


def test_a_former_partners_page_explains_accessibly(page, assert_accessible):
    pledge = directory_partner("Former Partner")
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.WITHDRAWN, withdrawn_at=timezone.now())
    services.build_directory()
    response = page.goto(f"/partners/{pledge.organisation.slug}/")
    assert response.status == 410
    assert page.get_by_role("heading", level=1).inner_text() == "Former Partner is no longer listed"
    assert_accessible(page)
