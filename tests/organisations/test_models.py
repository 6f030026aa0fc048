"""Organisation invariants and directory reads."""

import pytest
from django.db import IntegrityError, transaction

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_name_differing_only_in_case_is_refused():
    OrganisationFactory(name="Bristol City Council")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(name="bristol city council", slug="bristol-city-council-2")
