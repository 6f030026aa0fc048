"""A change of name: asked for by the partner, decided by the team, and every old address answering 301."""

import pytest
from django.conf import settings
from django.urls import reverse

from directory import services as directory
from organisations.models import Membership, NameChange, OldSlug
from organisations.services import details, name_changes
from outbox.models import OutboxEmail
from pledge_portal.errors import NotAllowed
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, directory_partner

pytestmark = pytest.mark.django_db

NAME_CHANGES = reverse("team:name_changes")


def partner(name="Avon Youth Trust"):
    pledge = directory_partner(name)
    return pledge.organisation, pledge.created_by


def ask(organisation, by, new_name="Avon and Severn Youth Trust", reason="We merged with our neighbour."):
    return name_changes.request_name_change(
        organisation=organisation, by=by, new_name=new_name, reason=reason
    )


def name_change_url(organisation):
    return reverse("organisations:name_change", kwargs={"organisation_id": organisation.pk})


def decision_url(change):
    return reverse("team:name_change", kwargs={"change_id": change.pk})


# The services ----------------------------------------------------------------------------------


def test_a_contact_asks_and_the_team_is_emailed_with_the_link_to_decide(programme_team_member):
    organisation, _signatory = partner()
    contact = MembershipFactory(organisation=organisation, role=Membership.Role.CONTACT).user
    change = ask(organisation, contact, new_name="  Avon and   Severn Youth Trust ")
    assert (change.old_name, change.new_name, change.status) == (
        "Avon Youth Trust",
        "Avon and Severn Youth Trust",
        NameChange.Status.REQUESTED,
    )
    email = OutboxEmail.objects.get(to=settings.PROGRAMME_TEAM_EMAIL)
    assert "Avon and Severn Youth Trust" in email.subject
    assert decision_url(change) in email.body_text
    organisation.refresh_from_db()
    assert organisation.name == "Avon Youth Trust"


def test_asking_is_refused_for_outsiders_a_taken_name_the_same_name_and_a_second_waiting_request():
    organisation, signatory = partner()
    OrganisationFactory(name="Bristol Mind")
    with pytest.raises(NotAllowed):
        ask(organisation, UserFactory())
    with pytest.raises(NotAllowed, match="Another organisation"):
        ask(organisation, signatory, new_name="bristol mind")
    with pytest.raises(NotAllowed, match="already has this name"):
        ask(organisation, signatory, new_name="Avon Youth Trust")
    ask(organisation, signatory)
    with pytest.raises(NotAllowed, match="already waiting"):
        ask(organisation, signatory, new_name="Another Name")


def test_approval_renames_moves_the_slug_keeps_the_old_one_and_records_the_decision(
    programme_team_member, django_capture_on_commit_callbacks
):
    organisation, signatory = partner()
    change = ask(organisation, signatory)
    with django_capture_on_commit_callbacks(execute=True):
        name_changes.approve_name_change(change=change, by=programme_team_member, note="Congratulations")
    organisation.refresh_from_db()
    change.refresh_from_db()
    assert (organisation.name, organisation.slug) == (
        "Avon and Severn Youth Trust",
        "avon-and-severn-youth-trust",
    )
    assert list(organisation.old_slugs.values_list("slug", flat=True)) == ["avon-youth-trust"]
    assert (change.status, change.decided_by, change.decision_note) == (
        "approved",
        programme_team_member,
        "Congratulations",
    )
    assert change.decided_at is not None
    email = OutboxEmail.objects.get(to=signatory.email)
    assert "approved" in email.subject
    assert "/partners/avon-and-severn-youth-trust/" in email.body_text
    # Nobody may take the old address: it leads to this partner for good.
    assert details.unique_slug("Avon Youth Trust") == "avon-youth-trust-2"
    with pytest.raises(NotAllowed, match="already approved"):
        name_changes.decline_name_change(change=change, by=programme_team_member, note="Too late")


def test_only_the_team_decides_and_declining_needs_a_reason(programme_team_member):
    organisation, signatory = partner()
    change = ask(organisation, signatory)
    with pytest.raises(NotAllowed):
        name_changes.approve_name_change(change=change, by=signatory)
    with pytest.raises(NotAllowed):
        name_changes.decline_name_change(change=change, by=programme_team_member, note=" ")
    name_changes.decline_name_change(
        change=change, by=programme_team_member, note="Please use your registered name."
    )
    organisation.refresh_from_db()
    assert organisation.name == "Avon Youth Trust"
    assert not OldSlug.objects.exists()
    assert "registered name" in OutboxEmail.objects.get(to=signatory.email).body_text


def test_taking_back_an_earlier_name_takes_back_its_address(programme_team_member):
    organisation, signatory = partner()
    name_changes.approve_name_change(change=ask(organisation, signatory), by=programme_team_member)
    back = ask(organisation, signatory, new_name="Avon Youth Trust", reason="The merger fell through.")
    name_changes.approve_name_change(change=back, by=programme_team_member)
    organisation.refresh_from_db()
    assert organisation.slug == "avon-youth-trust"
    assert list(organisation.old_slugs.values_list("slug", flat=True)) == ["avon-and-severn-youth-trust"]


# The old addresses -----------------------------------------------------------------------------


def test_every_old_address_answers_301_to_the_new_one_and_the_badge_and_certificate_use_the_new_name(
    client, programme_team_member
):
    organisation, signatory = partner()
    directory.build_directory()
    name_changes.approve_name_change(change=ask(organisation, signatory), by=programme_team_member)
    directory.build_directory()
    organisation.refresh_from_db()
    for name in ("partner", "badge_svg", "badge_png", "certificate"):
        old = reverse(f"directory:{name}", kwargs={"slug": "avon-youth-trust"})
        new = reverse(f"directory:{name}", kwargs={"slug": "avon-and-severn-youth-trust"})
        response = client.get(old + "?utm_source=website")
        assert response.status_code == 301, name
        assert response["Location"] == new + "?utm_source=website", name
        assert client.get(new).status_code == 200, name
    assert (
        b"Avon and Severn Youth Trust"
        in client.get(reverse("directory:badge_svg", args=[organisation.slug])).content
    )
    page = client.get(reverse("directory:partner", args=[organisation.slug]))
    assert b"Avon and Severn Youth Trust" in page.content
    assert client.get(reverse("directory:partner", args=["never-a-partner"])).status_code == 404


# The pages and who may reach them ---------------------------------------------------------------------


def test_the_name_change_pages_are_for_members_and_the_team_only(client, programme_team_member):
    organisation, signatory = partner()
    change = ask(organisation, signatory)
    partner_url = name_change_url(organisation)
    team_urls = [NAME_CHANGES, decision_url(change)]
    data = {"new_name": "Other", "reason": "Because"}
    for url in [partner_url, *team_urls]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("account_login")), url
        assert client.post(url, data).status_code == 302, url
    # Someone from another organisation: 404 for the partner page, 403 for the team's.
    client.force_login(MembershipFactory().user)
    assert client.get(partner_url).status_code == 404
    assert client.post(partner_url, data).status_code == 404
    for url in team_urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"decision": "approve"}).status_code == 403, url
    # The partner's own people may ask, but not decide.
    client.force_login(signatory)
    assert client.get(partner_url).status_code == 200
    for url in team_urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"decision": "approve"}).status_code == 403, url
    client.force_login(UserFactory(is_staff=True))
    assert client.get(NAME_CHANGES).status_code == 403
    client.force_login(programme_team_member)
    for url in team_urls:
        assert client.get(url).status_code == 200, url
    organisation.refresh_from_db()
    assert organisation.name == "Avon Youth Trust"


def test_a_member_asks_from_the_organisation_page_and_bad_input_is_explained_and_kept(client):
    organisation, signatory = partner()
    client.force_login(signatory)
    response = client.post(name_change_url(organisation), {"new_name": "", "reason": "We merged."})
    assert response.status_code == 200
    assert response.context["form"].errors == {"new_name": ["Enter the new name"]}
    assert b"We merged." in response.content
    OrganisationFactory(name="Taken Name")
    response = client.post(name_change_url(organisation), {"new_name": "Taken Name", "reason": "We merged."})
    assert "Another organisation" in response.context["form"].non_field_errors()[0]
    response = client.post(name_change_url(organisation), {"new_name": "New Name", "reason": "We merged."})
    assert response.status_code == 302
    response = client.get(response.url)
    assert b"You asked on" in response.content
    assert NameChange.objects.get().new_name == "New Name"
