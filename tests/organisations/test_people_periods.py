"""Nobody sees the people or invitations of a period they were not part of (issue 10 §1)."""

import pytest
from django.urls import reverse

from organisations import services
from organisations.models import Membership
from pledge_portal.errors import NotAllowed
from pledges.services import decisions
from tests.factories import MembershipFactory, PledgeFactory, UserFactory
from tests.support.signing_in import sign_in_recently

pytestmark = pytest.mark.django_db


@pytest.fixture
def former_partner():
    """A partner whose pledge was withdrawn through the service, with its signatory and a contact."""
    pledge = PledgeFactory(approved=True)
    MembershipFactory(organisation=pledge.organisation, role=Membership.Role.CONTACT)
    decisions.withdraw_own_pledge(pledge=pledge, by=pledge.created_by, reason="Closing down")
    return pledge.organisation


@pytest.fixture
def newcomer(former_partner, programme_team_member):
    """A stranger whose request to join the former partner the programme team approved."""
    stranger = UserFactory()
    join_request = services.request_to_join(organisation=former_partner, by=stranger)
    services.answer_join_request(join_request=join_request, by=programme_team_member, approve=True)
    return stranger


def earlier_people(organisation, newcomer):
    return list(Membership.objects.filter(organisation=organisation).exclude(user=newcomer))


def test_someone_let_in_after_the_pledge_ended_sees_none_of_the_earlier_people(
    client, former_partner, newcomer
):
    client.force_login(newcomer)

    page = client.get(reverse("organisations:contacts", kwargs={"organisation_id": former_partner.pk}))

    assert page.status_code == 200
    assert newcomer.email.encode() in page.content
    earlier = earlier_people(former_partner, newcomer)
    assert len(earlier) == 2
    for membership in earlier:
        assert membership.user.email.encode() not in page.content
        assert membership.user.name.encode() not in page.content


def test_someone_let_in_after_the_pledge_ended_cannot_remove_the_earlier_people(
    client, former_partner, newcomer
):
    sign_in_recently(client, newcomer)  # past the password check, to reach the permission check
    for membership in earlier_people(former_partner, newcomer):
        remove = reverse(
            "organisations:remove_contact",
            kwargs={"organisation_id": former_partner.pk, "membership_id": membership.pk},
        )
        assert client.get(remove).status_code == 404
        assert client.post(remove).status_code == 404
        with pytest.raises(NotAllowed):
            services.remove_contact(membership=membership, by=newcomer)
    assert Membership.objects.filter(organisation=former_partner).count() == 3


def test_the_newcomers_pledge_page_lists_only_the_people_of_their_period(client, former_partner, newcomer):
    PledgeFactory(approved=True, organisation=former_partner, created_by=newcomer)
    client.force_login(newcomer)

    page = client.get(reverse("pledges:my_pledges"))

    assert newcomer.name.encode() in page.content
    for membership in earlier_people(former_partner, newcomer):
        assert membership.user.name.encode() not in page.content


def test_the_newcomer_still_sees_none_of_the_earlier_people_after_their_own_pledge_ends(
    client, former_partner, newcomer
):
    their_pledge = PledgeFactory(approved=True, organisation=former_partner, created_by=newcomer)
    decisions.withdraw_own_pledge(pledge=their_pledge, by=newcomer, reason="Merged with another partner")
    client.force_login(newcomer)

    page = client.get(reverse("organisations:contacts", kwargs={"organisation_id": former_partner.pk}))

    assert newcomer.email.encode() in page.content
    for membership in earlier_people(former_partner, newcomer):
        assert membership.user.email.encode() not in page.content


def test_people_of_the_earlier_period_still_see_everyone(client, former_partner, newcomer):
    signatory = earlier_people(former_partner, newcomer)[0].user
    client.force_login(signatory)

    page = client.get(reverse("organisations:contacts", kwargs={"organisation_id": former_partner.pk}))

    for membership in Membership.objects.filter(organisation=former_partner):
        assert membership.user.email.encode() in page.content


def test_people_who_join_the_new_period_see_each_other(client, former_partner, newcomer):
    _, token = services.invite_contact(
        organisation=former_partner, email="colleague@example.org", by=newcomer
    )
    colleague = UserFactory(email="colleague@example.org")
    services.accept_invitation(token=token, user=colleague)
    client.force_login(colleague)

    page = client.get(reverse("organisations:contacts", kwargs={"organisation_id": former_partner.pk}))

    assert newcomer.email.encode() in page.content
    for membership in earlier_people(former_partner, newcomer):
        if membership.user != colleague:
            assert membership.user.email.encode() not in page.content


def test_an_invitation_sent_before_someone_joined_cannot_be_withdrawn_by_them():
    """Invitations are shown only from when a person joined; acting on the others is refused too."""
    organisation = PledgeFactory(approved=True).organisation
    signatory = Membership.objects.get(organisation=organisation).user
    invitation, _ = services.invite_contact(
        organisation=organisation, email="early@example.org", by=signatory
    )
    _, token = services.invite_contact(organisation=organisation, email="later@example.org", by=signatory)
    later = UserFactory(email="later@example.org")
    services.accept_invitation(token=token, user=later)

    with pytest.raises(NotAllowed):
        services.revoke_invitation(invitation=invitation, by=later)

    invitation.refresh_from_db()
    assert invitation.revoked_at is None
