"""In a real browser: asking to join an organisation, and the person's own data pages, accessibly."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from organisations.models import JoinRequest, Membership
from pledges.models import Pledge
from tests.factories import PledgeFactory, UserFactory
from tests.support.browser import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_stranger_asks_to_join_a_former_partner_and_a_member_approves(page, assert_accessible):
    former = PledgeFactory(status=Pledge.Status.WITHDRAWN)
    organisation = former.organisation
    stranger = UserFactory()
    sign_in(page, stranger.email)
    page.goto(f"/pledge/sign/organisation/?q={organisation.name}")
    page.get_by_role("button", name=f"Choose {organisation.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"We have asked if you can join {organisation.name}"
    )
    assert_accessible(page)
    assert not Membership.objects.filter(user=stranger).exists()

    page.context.clear_cookies()
    sign_in(page, former.created_by.email)
    page.goto(f"/my/join-requests/{JoinRequest.objects.get().pk}/answer/")
    assert_accessible(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(f"is now a contact for {organisation.name}")).to_be_visible()
    assert Membership.objects.filter(user=stranger, organisation=organisation).exists()


def test_a_partner_downloads_their_data_and_closes_their_account(page, assert_accessible):
    pledge = PledgeFactory(approved=True)
    person = pledge.created_by
    sign_in(page, person.email)
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    assert_accessible(page)

    page.get_by_role("button", name="Close your account").click()
    page.fill("#id_password", PASSWORD)  # allauth asks for the password again
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close your account")
    expect(page.get_by_text("the programme team will hold the organisation")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Close my account").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Tick the box to confirm").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I understand: close my account").check()
    page.get_by_role("button", name="Close my account").click()
    expect(page.get_by_text("Your account is closed")).to_be_visible()
    assert not User.objects.filter(pk=person.pk).exists()
    assert Pledge.objects.get(pk=pledge.pk).created_by is None
