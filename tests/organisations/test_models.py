"""Organisation invariants and directory reads."""

import pytest
from django.db import IntegrityError, transaction

from organisations.models import Organisation
from tests.factories import OrganisationFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def test_a_name_differing_only_in_case_is_refused():
    OrganisationFactory(name="Bristol City Council")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(name="bristol city council", slug="bristol-city-council-2")


def test_the_directory_holds_only_partners_with_an_approved_pledge():
    approved = PledgeFactory(approved=True).organisation
    for status in ("draft", "submitted", "rejected", "withdrawn"):
        PledgeFactory(status=status)
    assert list(Organisation.objects.in_directory()) == [approved]
