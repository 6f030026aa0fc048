"""An organisation's details page: members edit them, the directory rebuilds, and nobody else may."""

import pytest
from django.urls import reverse

from organisations.models import Area, Organisation, OrganisationEvent
from tests.factories import MembershipFactory, OrganisationFactory, PledgeFactory, UserFactory
from tests.support.directory import rebuilds_directory

pytestmark = pytest.mark.django_db


def edit_url(organisation, query=""):
    return reverse("organisations:edit", kwargs={"pk": organisation.pk}) + query


def edit_data(**overrides):
    return {
        "kind": Organisation.Kind.SERVICE,
        "sector": Organisation.Sector.HOUSING,
        "areas": [area.pk for area in Area.objects.all()],
        "website": "https://new.example.org",
        "description": "New description",
        **overrides,
    }


def test_a_member_edits_their_organisations_details_and_the_directory_is_rebuilt(
    client, django_capture_on_commit_callbacks
):
    membership = MembershipFactory()
    client.force_login(membership.user)
    name_change_url = reverse("organisations:name_change", args=[membership.organisation.pk])
    assert name_change_url in client.get(edit_url(membership.organisation)).content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(edit_url(membership.organisation), edit_data(name="A New Name"))
    assert response.url == "/my/"
    membership.organisation.refresh_from_db()
    assert membership.organisation.sector == Organisation.Sector.HOUSING
    assert membership.organisation.name != "A New Name"  # the name is not changed here
    assert rebuilds_directory(callbacks)


def test_a_members_edit_is_recorded_in_the_organisations_audit_trail(client):
    membership = MembershipFactory()
    organisation = membership.organisation
    client.force_login(membership.user)
    unchanged = edit_data(
        kind=organisation.kind,
        sector=organisation.sector,
        areas=[area.pk for area in organisation.areas.all()],
        website=organisation.website,
        description=organisation.description,
    )

    client.post(edit_url(organisation), unchanged)
    assert not OrganisationEvent.objects.exists()
    client.post(edit_url(organisation), {**unchanged, "website": "https://elsewhere.example.org"})

    event = OrganisationEvent.objects.get()
    assert (event.kind, event.actor, event.note) == (
        OrganisationEvent.Kind.DETAILS_CHANGED,
        membership.user,
        "Changed: website",
    )


def test_editing_organisation_details_returns_to_a_safe_next_page_only(client):
    pledge = PledgeFactory()
    client.force_login(pledge.created_by)
    check = reverse("pledges:sign_check", kwargs={"pk": pledge.pk})
    assert client.post(edit_url(pledge.organisation, f"?next={check}"), edit_data()).url == check
    assert client.post(edit_url(pledge.organisation, "?next=https://evil.example"), edit_data()).url == "/my/"


def test_editing_organisation_details_keeps_what_was_typed_on_error(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    page = client.post(
        edit_url(membership.organisation), edit_data(areas=[], description="Kept text")
    ).content
    assert b"Choose at least one area it serves" in page
    assert b"Kept text" in page


def test_only_members_can_edit_an_organisations_details(client):
    organisation = OrganisationFactory()
    client.force_login(UserFactory())
    assert client.get(edit_url(organisation)).status_code == 404
    assert client.post(edit_url(organisation), edit_data()).status_code == 404
    client.logout()
    assert reverse("account_login") in client.get(edit_url(organisation)).url
