"""In a real browser: deleting a draft started for the wrong organisation, accessibly."""

import pytest
from playwright.sync_api import expect

from pledges.models import Pledge
from tests.factories import PledgeFactory
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_partner_deletes_a_draft_from_your_pledge(page, assert_accessible):
    draft = PledgeFactory()
    sign_in(page, draft.created_by.email)
    page.get_by_role("link", name=f"Delete this draft for {draft.organisation.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete your draft pledge")
    assert_accessible(page)
    page.get_by_role("button", name="Delete this draft").click()
    expect(page.get_by_text(f"Your draft pledge for {draft.organisation.name} is deleted.")).to_be_visible()
    assert not Pledge.objects.filter(pk=draft.pk).exists()
