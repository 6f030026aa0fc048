"""Pages that name a person still answer once that person has closed their account."""

import pytest
from django.urls import reverse

from privacy.services import close_account
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["", "?status=waiting"])
def test_a_closed_account_does_not_break_the_queue(client, programme_team_member, query):
    pledge = PledgeFactory(submitted=True)
    close_account(user=pledge.created_by)
    client.force_login(programme_team_member)

    page = client.get(reverse("team:queue") + query)

    assert page.status_code == 200
    assert pledge.organisation.name.encode() in page.content
