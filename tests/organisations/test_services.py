"""Organisation services: a member's edits to their organisation's details."""

import pytest

from organisations.models import Area, Organisation
from organisations.services import details
from tests.factories import OrganisationFactory, UserFactory
from tests.support.directory import rebuilds_directory

pytestmark = pytest.mark.django_db


def test_updating_an_organisation_changes_its_details_not_its_name_and_rebuilds_the_directory(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory(name="Bristol Mind")
    areas = list(Area.objects.all())
    with django_capture_on_commit_callbacks() as callbacks:
        details.update_organisation(
            organisation=organisation,
            by=UserFactory(),
            kind=Organisation.Kind.SERVICE,
            sector=Organisation.Sector.NHS_HEALTH,
            areas=areas,
            website="https://bristolmind.example.org",
            description="Mental health support.",
            logo=None,
        )
    organisation.refresh_from_db()
    assert organisation.name == "Bristol Mind"
    assert organisation.kind == Organisation.Kind.SERVICE
    assert list(organisation.areas.all()) == areas
    assert rebuilds_directory(callbacks)
