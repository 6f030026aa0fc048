"""In a real browser: the signatory hands over to a colleague, who reaffirms the commitments and signs."""

import re

import pytest
from playwright.sync_api import expect

from directory import services as directory
from organisations.models import Membership
from pledges.models import PledgeEvent
from tests.factories import MembershipFactory, directory_partner
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_signatory_names_a_colleague_who_signs_and_chooses_to_be_shown_publicly(
    page, browser, live_server, assert_accessible
):
    pledge = directory_partner("Avon Youth Trust")
    directory.build_directory()
    colleague = MembershipFactory(
        organisation=pledge.organisation, role=Membership.Role.CONTACT, user__name="Jo Newleader"
    ).user

    sign_in(page, pledge.created_by.email)
    page.get_by_role("link", name=re.compile("Change the signatory")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the signatory")
    assert_accessible(page)
    page.get_by_role("button", name="Ask them to sign").click()
    expect(page.get_by_role("link", name="Choose the new signatory")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("Jo Newleader")).check()
    page.get_by_role("button", name="Ask them to sign").click()
    expect(page.get_by_text("We have emailed Jo Newleader a link to sign")).to_be_visible()

    change = pledge.signatory_changes.get()
    new_context = browser.new_context(base_url=live_server.url)
    new_page = new_context.new_page()
    new_page.set_default_timeout(10_000)
    sign_in(new_page, colleague.email)
    new_page.goto(f"/my/pledges/{pledge.pk}/signatory/{change.pk}/")
    expect(new_page.get_by_role("heading", level=1)).to_have_text("Sign as the new signatory")
    assert_accessible(new_page)
    new_page.get_by_label("Your job title").fill("Director")
    new_page.get_by_label("I am authorised to sign on the leader's behalf").check()
    new_page.get_by_label("Yes").check()
    new_page.get_by_label("Type your full name to sign").fill("Someone Else")
    new_page.get_by_role("button", name="Sign as the new signatory").click()
    expect(
        new_page.get_by_role("link", name="Enter your leader's full name, as you are signing for them")
    ).to_be_visible()
    expect(new_page.get_by_label("Your job title")).to_have_value("Director")
    assert_accessible(new_page)
    new_page.get_by_label("Your leader's full name").fill("Sam Chair")
    new_page.get_by_label("Your leader's job title").fill("Chair of Trustees")
    new_page.get_by_label("Type your full name to sign").fill("jo  newleader")
    new_page.get_by_role("button", name="Sign as the new signatory").click()
    expect(new_page.get_by_text("You are now the signatory for Avon Youth Trust.")).to_be_visible()
    new_context.close()

    assert pledge.events.filter(kind=PledgeEvent.Kind.SIGNATORY_CHANGED).count() == 1
    directory.build_directory()
    page.goto(f"/partners/{pledge.organisation.slug}/")
    expect(page.get_by_text("Jo Newleader")).to_be_visible()
