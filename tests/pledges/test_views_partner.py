"""'Your pledge' shows a person the pledges of their own organisations, and no others."""

import pytest
from django.urls import reverse

from tests.factories import PledgeFactory

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
