"""Fixtures of the signing journey's tests: a signed-in person and their draft."""

import pytest

from tests.factories import PledgeFactory


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def draft(user):
    pledge = PledgeFactory(created_by=user, signatory_name="Sam Okafor", with_actions=False)
    pledge.agreed_to_commitments_at = None
    pledge.show_actions = None
    pledge.show_logo = None
    pledge.save()
    return pledge
