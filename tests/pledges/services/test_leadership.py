"""A change of leader: who may start it, the new signatory's reaffirmation, the history and the emails."""

import pytest
from django.conf import settings

from organisations.models import Membership
from outbox.models import OutboxEmail
from pledge_portal.errors import NotAllowed
from pledges.models import Pledge, PledgeEvent, SignatoryChange
from pledges.services import leadership
from tests.factories import MembershipFactory, PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db


def signing_details(name="Jo Newleader", **overrides):
    return {
        "signatory_name": name,
        "signatory_job_title": "Chief Executive",
        "signatory_role": Pledge.SignatoryRole.LEADER,
        "leader_name": "",
        "leader_job_title": "",
        "declaration_name": name,
        "show_signatory": True,
        **overrides,
    }


@pytest.fixture
def contact(pledge):
    return MembershipFactory(
        organisation=pledge.organisation, role=Membership.Role.CONTACT, user__name="Jo Newleader"
    ).user


def test_a_contact_becomes_the_signatory_and_the_history_keeps_both_people(pledge, contact):
    old = pledge.created_by
    change = leadership.start_signatory_change(pledge=pledge, by=old, new_signatory=contact)
    invitation = OutboxEmail.objects.get(to=contact.email)
    assert leadership.reaffirm_path(change) in invitation.body_text

    leadership.complete_signatory_change(change=change, by=contact, **signing_details())
    pledge.refresh_from_db()
    change.refresh_from_db()
    assert (pledge.signatory_name, pledge.declaration_name, pledge.show_signatory) == (
        "Jo Newleader",
        "Jo Newleader",
        True,
    )
    assert change.status == SignatoryChange.Status.COMPLETED
    assert change.completed_at is not None
    assert change.previous_signatory_name == old.name
    roles = dict(Membership.objects.filter(organisation=pledge.organisation).values_list("user", "role"))
    assert roles == {old.pk: "contact", contact.pk: "signatory"}
    assert pledge.created_by == contact  # the team's decisions now reach the new leader
    event = pledge.events.get(kind=PledgeEvent.Kind.SIGNATORY_CHANGED)
    assert event.actor == contact
    assert old.name in event.note and "Jo Newleader" in event.note
    assert "version 1" in event.note
    team = OutboxEmail.objects.get(to=settings.PROGRAMME_TEAM_EMAIL)
    assert "Jo Newleader" in team.body_text and old.name in team.body_text


def test_the_team_may_start_a_change_but_outsiders_may_not(pledge, contact, programme_team_member):
    with pytest.raises(NotAllowed):
        leadership.start_signatory_change(pledge=pledge, by=UserFactory(), new_signatory=contact)
    leadership.start_signatory_change(pledge=pledge, by=programme_team_member, new_signatory=contact)
    assert SignatoryChange.objects.get().started_by == programme_team_member


def test_the_new_signatory_must_be_a_member_and_only_they_may_sign(pledge, contact):
    with pytest.raises(NotAllowed, match="Invite them as a contact first"):
        leadership.start_signatory_change(pledge=pledge, by=pledge.created_by, new_signatory=UserFactory())
    change = leadership.start_signatory_change(pledge=pledge, by=pledge.created_by, new_signatory=contact)
    with pytest.raises(NotAllowed, match="Only the person named"):
        leadership.complete_signatory_change(change=change, by=pledge.created_by, **signing_details())
    Membership.objects.filter(user=contact).delete()
    with pytest.raises(NotAllowed, match="no longer one of"):
        leadership.complete_signatory_change(change=change, by=contact, **signing_details())


def test_the_declaration_and_authority_to_sign_are_checked_as_in_signing(pledge, contact):
    change = leadership.start_signatory_change(pledge=pledge, by=pledge.created_by, new_signatory=contact)
    with pytest.raises(NotAllowed, match="exactly"):
        leadership.complete_signatory_change(
            change=change, by=contact, **signing_details(declaration_name="Jo")
        )
    with pytest.raises(NotAllowed, match="leader's name"):
        leadership.complete_signatory_change(
            change=change, by=contact, **signing_details(signatory_role=Pledge.SignatoryRole.AUTHORISED)
        )
    leadership.complete_signatory_change(
        change=change,
        by=contact,
        **signing_details(
            signatory_role=Pledge.SignatoryRole.AUTHORISED,
            leader_name="Sam Chair",
            leader_job_title="Chair",
            show_signatory=False,
        ),
    )
    pledge.refresh_from_db()
    assert (pledge.leader_name, pledge.show_signatory) == ("Sam Chair", False)


def test_a_later_start_replaces_the_waiting_change_and_a_finished_one_cannot_be_signed_again(pledge, contact):
    other = MembershipFactory(organisation=pledge.organisation, role=Membership.Role.CONTACT).user
    first = leadership.start_signatory_change(pledge=pledge, by=pledge.created_by, new_signatory=other)
    second = leadership.start_signatory_change(pledge=pledge, by=pledge.created_by, new_signatory=contact)
    first.refresh_from_db()
    assert first.status == SignatoryChange.Status.REPLACED
    with pytest.raises(NotAllowed, match="replaced"):
        leadership.complete_signatory_change(change=first, by=other, **signing_details(other.name))
    leadership.complete_signatory_change(change=second, by=contact, **signing_details())
    with pytest.raises(NotAllowed, match="completed"):
        leadership.complete_signatory_change(change=second, by=contact, **signing_details())


def test_only_an_approved_pledge_changes_signatory(contact):
    submitted = PledgeFactory(submitted=True)
    MembershipFactory(organisation=submitted.organisation, user=contact, role=Membership.Role.CONTACT)
    with pytest.raises(NotAllowed, match="waiting for a decision"):
        leadership.start_signatory_change(pledge=submitted, by=submitted.created_by, new_signatory=contact)
