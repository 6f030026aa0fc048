"""The public information pages, served without JavaScript (server-rendered HTML)."""

import pytest
from django.urls import reverse

from pledges.models import Commitment
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["pages:home", "pages:pledge"])
def test_the_eight_commitments_are_shown_in_full(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    for commitment in Commitment.objects.filter(version__number=1):
        assert commitment.text.replace("'", "&#x27;") in html


def test_home_page_counts_partners_and_offers_to_sign(client):
    PledgeFactory.create_batch(2, approved=True)
    PledgeFactory(submitted=True)
    response = client.get(reverse("pages:home"))
    # From the directory's snapshot, built on this first visit.
    assert "2 partners have signed the pledge" in response.content.decode()
    assert reverse("pledges:sign_start") in response.content.decode()


def test_pledge_page_lists_the_example_actions(client):
    html = client.get(reverse("pages:pledge")).content.decode()
    assert "Reviewing policies through a trauma-informed lens" in html


@pytest.mark.parametrize(
    "name", ["pages:privacy", "pages:accessibility", "pages:contact", "pledges:sign_start"]
)
def test_information_pages_are_served(client, name):
    assert client.get(reverse(name)).status_code == 200
