"""Pledge reads: the drafts a person may still change, and whether an organisation has its one live pledge."""

import pytest

from organisations.models import Membership
from pledges.models import Pledge
from pledges.selectors import editable_pledges_of, has_live_pledge
from tests.factories import MembershipFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def test_a_member_may_change_their_organisations_drafts_and_pledges_sent_back_not_others():
    draft = PledgeFactory()
    sent_back = PledgeFactory(submitted=True, status=Pledge.Status.CHANGES_REQUESTED)
    MembershipFactory(
        user=draft.created_by, organisation=sent_back.organisation, role=Membership.Role.CONTACT
    )
    PledgeFactory(submitted=True, created_by=draft.created_by)  # waiting for a decision
    PledgeFactory()  # another person's organisation
    assert set(editable_pledges_of(draft.created_by)) == {draft, sent_back}


@pytest.mark.parametrize(
    ("status", "live"),
    [
        (Pledge.Status.DRAFT, True),
        (Pledge.Status.SUBMITTED, True),
        (Pledge.Status.CHANGES_REQUESTED, True),
        (Pledge.Status.APPROVED, True),
        (Pledge.Status.WITHDRAWN, False),
        (Pledge.Status.REJECTED, False),
        (Pledge.Status.LAPSED, False),
    ],
)
def test_an_organisation_has_a_live_pledge_while_one_is_drafted_waiting_or_approved(status, live):
    pledge = PledgeFactory(status=status, with_actions=False)
    assert has_live_pledge(organisation=pledge.organisation) is live
    assert has_live_pledge(organisation=pledge.organisation_id) is live
