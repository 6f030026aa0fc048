"""The organisations admin: staff changes to an organisation are audited and reach the public directory."""

import pytest
from django.urls import reverse

from accounts.models import User
from organisations.models import Area, Membership, Organisation, OrganisationEvent
from tests.factories import PledgeFactory
from tests.support.directory import rebuilds_directory

pytestmark = pytest.mark.django_db


def change_data(organisation, **overrides):
    """The admin's change form as a browser posts it, unchanged but for `overrides`."""
    people = Membership.objects.filter(organisation=organisation)
    return {
        "name": organisation.name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "sector": organisation.sector,
        "areas": [area.pk for area in organisation.areas.all()],
        "website": organisation.website,
        "description": organisation.description,
        "parent": "",
        "created_by": "",
        "memberships-TOTAL_FORMS": people.count(),
        "memberships-INITIAL_FORMS": people.count(),
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
        **{f"memberships-{n}-id": membership.pk for n, membership in enumerate(people)},
        **{f"memberships-{n}-organisation": organisation.pk for n in range(people.count())},
        **overrides,
    }


def test_a_staff_change_in_the_admin_is_audited_and_rebuilds_the_directory(
    client, django_capture_on_commit_callbacks
):
    organisation = PledgeFactory(approved=True).organisation
    staff = User.objects.create_superuser(email="admin@example.org", password="x-long-password")
    client.force_login(staff)
    url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    areas = list(Area.objects.exclude(organisations=organisation).values_list("pk", flat=True))

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            url, change_data(organisation, website="https://changed.example.org", areas=areas)
        )

    assert response.status_code == 302, response.content.decode()[-3000:]
    organisation.refresh_from_db()
    assert organisation.website == "https://changed.example.org"
    assert set(organisation.areas.values_list("pk", flat=True)) == set(areas)
    event = OrganisationEvent.objects.get(organisation=organisation)
    assert (event.kind, event.actor) == (OrganisationEvent.Kind.DETAILS_CHANGED, staff)
    assert event.note == "Changed: areas served, website"
    assert rebuilds_directory(callbacks)


def test_saving_the_admin_page_unchanged_records_nothing(client):
    organisation = PledgeFactory(approved=True).organisation
    client.force_login(User.objects.create_superuser(email="admin@example.org", password="x-long-password"))
    url = reverse("admin:organisations_organisation_change", args=[organisation.pk])

    assert client.post(url, change_data(organisation)).status_code == 302
    assert not OrganisationEvent.objects.filter(organisation=organisation).exists()
    assert Organisation.objects.get(pk=organisation.pk).website == organisation.website
