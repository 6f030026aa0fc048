"""'Your pledge' shows a person the pledges of their own organisations, and no others."""

import pytest
from django.urls import reverse

from organisations.models import Membership
from tests.factories import MembershipFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def test_your_pledge_needs_sign_in(client):
    response = client.get(reverse("pledges:my_pledges"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_your_pledge_lists_only_your_organisations_pledges(client):
    mine = PledgeFactory(submitted=True)
    theirs = PledgeFactory(submitted=True)
    client.force_login(mine.created_by)
    response = client.get(reverse("pledges:my_pledges"))
    assert list(response.context["pledges"]) == [mine]
    assert theirs.organisation.name not in response.content.decode()


def test_someone_joining_later_does_not_see_an_earlier_signatorys_ended_pledge(client):
    ended = PledgeFactory(status="rejected", signatory_name="Earlier Signatory")
    newcomer = MembershipFactory(organisation=ended.organisation, role=Membership.Role.SIGNATORY).user
    client.force_login(newcomer)
    response = client.get(reverse("pledges:my_pledges"))
    assert list(response.context["pledges"]) == []
    assert "Earlier Signatory" not in response.content.decode()
    client.force_login(ended.created_by)
    assert list(client.get(reverse("pledges:my_pledges")).context["pledges"]) == [ended]
