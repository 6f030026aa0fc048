"""Signing services: drafts, every step's save, and submission with its audit event and two emails."""

from functools import partial

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from organisations.models import Area, Membership, Organisation
from outbox.models import OutboxEmail
from pledge_portal.errors import NotAllowed
from pledges.models import ActionTheme, Commitment, Pledge, PledgeEvent, PledgeVersion
from pledges.services import signing
from tests.factories import MembershipFactory, OrganisationFactory, PledgeFactory, UserFactory
from tests.support.concurrency import at_once, refusals

pytestmark = pytest.mark.django_db


def action(n, version):
    return {
        "theme": ActionTheme.objects.get(slug="other"),
        "title": f"Action {n}",
        "description": "What we will do.",
        "is_continuing": False,
        "commitments": list(version.commitments.filter(number__in=[n, n + 1])),
        "target_date": None,
    }


def pledge_in(status, **kwargs):
    if status == Pledge.Status.APPROVED:
        return PledgeFactory(approved=True, **kwargs)
    return PledgeFactory(status=status, **kwargs)


def test_starting_a_pledge_creates_a_draft_a_signatory_membership_and_an_event(user):
    organisation = OrganisationFactory()
    pledge = signing.start_pledge(organisation=organisation, by=user)
    assert pledge.status == Pledge.Status.DRAFT
    assert pledge.version == PledgeVersion.objects.current()
    assert pledge.signatory_name == user.name
    assert Membership.objects.get(user=user, organisation=organisation).role == Membership.Role.SIGNATORY
    event = pledge.events.get()
    assert (event.kind, event.actor, event.from_status, event.to_status) == ("created", user, "", "draft")


def test_starting_a_pledge_makes_an_existing_contact_the_signatory(user):
    membership = MembershipFactory(user=user, role=Membership.Role.CONTACT)
    signing.start_pledge(organisation=membership.organisation, by=user)
    membership.refresh_from_db()
    assert membership.role == Membership.Role.SIGNATORY


@pytest.mark.parametrize("status", Pledge.LIVE_STATUSES)
def test_a_second_pledge_for_an_organisation_with_a_live_one_is_refused(user, status):
    existing = pledge_in(status)
    with pytest.raises(NotAllowed, match="already has a pledge"):
        signing.start_pledge(organisation=existing.organisation, by=user)
    assert Pledge.objects.filter(organisation=existing.organisation).count() == 1
    assert not Membership.objects.filter(user=user).exists()


def test_an_organisation_whose_pledge_was_withdrawn_can_start_again_by_its_people(user):
    old = PledgeFactory(status=Pledge.Status.WITHDRAWN)
    pledge = signing.start_pledge(organisation=old.organisation, by=old.created_by)
    assert pledge.status == Pledge.Status.DRAFT


@pytest.mark.parametrize("status", [Pledge.Status.WITHDRAWN, Pledge.Status.REJECTED, Pledge.Status.LAPSED])
def test_a_stranger_cannot_start_a_pledge_for_an_organisation_that_had_people(user, status):
    old = PledgeFactory(status=status)
    with pytest.raises(NotAllowed, match="Ask to join"):
        signing.start_pledge(organisation=old.organisation, by=user)
    assert not Membership.objects.filter(user=user).exists()
    assert Pledge.objects.filter(organisation=old.organisation).count() == 1


def test_a_stranger_cannot_start_a_pledge_for_an_organisation_someone_else_added(user):
    organisation = OrganisationFactory(created_by=UserFactory())
    with pytest.raises(NotAllowed, match="Ask to join"):
        signing.start_pledge(organisation=organisation, by=user)
    assert not Pledge.objects.exists()


def test_whoever_added_an_organisation_can_start_again_after_deleting_their_draft(user):
    organisation = OrganisationFactory(created_by=user)
    draft = signing.start_pledge(organisation=organisation, by=user)
    signing.discard_draft(pledge=draft, by=user)
    assert signing.start_pledge(organisation=organisation, by=user).status == Pledge.Status.DRAFT


def test_starting_with_a_new_organisation_creates_both_or_neither(user):
    details = {
        "name": "  Filwood   Youth Forum ",
        "kind": Organisation.Kind.GROUP,
        "sector": Organisation.Sector.VCSE,
        "areas": list(Area.objects.filter(code="bristol")),
        "website": "",
        "description": "",
        "logo": None,
    }
    pledge = signing.start_pledge_for_new_organisation(by=user, **details)
    assert pledge.organisation.name == "Filwood Youth Forum"
    assert pledge.organisation.slug == "filwood-youth-forum"
    assert pledge.organisation.created_by == user
    assert list(pledge.organisation.areas.values_list("code", flat=True)) == ["bristol"]

    with pytest.raises(NotAllowed, match="already registered"):
        signing.start_pledge_for_new_organisation(
            by=UserFactory(), **details | {"name": "FILWOOD youth forum"}
        )
    assert Organisation.objects.count() == 1
    assert Pledge.objects.count() == 1


def test_each_step_saves_its_answers_to_the_draft(user):
    pledge = PledgeFactory(created_by=user, with_actions=False, agreed_to_commitments_at=None)
    signing.save_signatory(
        pledge=pledge,
        by=user,
        signatory_name=" Sam  Okafor ",
        signatory_job_title="Service Manager",
        signatory_role=Pledge.SignatoryRole.AUTHORISED,
        leader_name="Alex Leader",
        leader_job_title="Chief Executive",
    )
    signing.agree_to_commitments(pledge=pledge, by=user)
    signing.save_actions(
        pledge=pledge, by=user, actions=[action(1, pledge.version), action(2, pledge.version)]
    )
    signing.save_what_to_show(
        pledge=pledge, by=user, show_actions=False, show_signatory=True, show_logo=False
    )
    pledge.refresh_from_db()
    assert (pledge.signatory_name, pledge.leader_name) == ("Sam Okafor", "Alex Leader")
    assert pledge.agreed_to_commitments_at is not None
    assert [a.title for a in pledge.actions.order_by("number")] == ["Action 1", "Action 2"]
    assert (pledge.show_actions, pledge.show_signatory, pledge.show_logo) == (False, True, False)
    assert signing.missing_answers(pledge) == []


def test_an_unfinished_actions_valid_answers_are_kept_as_json_until_the_action_is_saved(user):
    pledge = PledgeFactory(created_by=user, with_actions=False)
    answers = action(2, pledge.version)
    partial_answers = {
        "theme": answers["theme"],
        "commitments": Commitment.objects.filter(pk__in=[c.pk for c in answers["commitments"]]),
        "target_date": timezone.localdate(),
    }
    signing.save_action_draft(pledge=pledge, by=user, number=2, answers=partial_answers)
    pledge.refresh_from_db()
    assert pledge.action_drafts == {
        "2": {
            "theme": answers["theme"].pk,
            "commitments": [c.pk for c in answers["commitments"]],
            "target_date": timezone.localdate().isoformat(),
        }
    }
    signing.save_action(pledge=pledge, by=user, number=2, answers=answers)
    pledge.refresh_from_db()
    assert pledge.action_drafts == {}
    signing.save_action_draft(pledge=pledge, by=user, number=1, answers={})
    pledge.refresh_from_db()
    assert pledge.action_drafts == {}  # nothing valid, nothing kept
    assert pledge.actions.get().title == "Action 2"


def test_an_action_with_commitments_from_another_wording_is_refused(user):
    pledge = PledgeFactory(created_by=user, with_actions=False)
    another_wording = Commitment(version_id=pledge.version_id + 1, number=1)
    answers = action(1, pledge.version) | {"commitments": [another_wording]}
    with pytest.raises(NotAllowed, match="not from this pledge's wording"):
        signing.save_action(pledge=pledge, by=user, number=1, answers=answers)


@pytest.mark.parametrize("status", ["submitted", "approved", "rejected", "withdrawn", "lapsed"])
def test_steps_refuse_to_change_a_pledge_that_is_not_editable(user, status):
    pledge = pledge_in(status, created_by=user)
    with pytest.raises(NotAllowed):
        signing.save_what_to_show(
            pledge=pledge, by=user, show_actions=False, show_signatory=True, show_logo=False
        )
    with pytest.raises(NotAllowed):
        signing.agree_to_commitments(pledge=pledge, by=user)
    with pytest.raises(NotAllowed):
        signing.save_action_draft(pledge=pledge, by=user, number=1, answers={"title": "Late"})


def test_submitting_a_draft_records_the_event_freezes_the_version_and_queues_two_emails(
    user, settings, django_capture_on_commit_callbacks
):
    pledge = PledgeFactory(created_by=user)
    with django_capture_on_commit_callbacks(execute=True):
        signing.submit_pledge(pledge=pledge, by=user, declaration_name=pledge.signatory_name.upper())
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    assert pledge.submitted_at is not None
    assert pledge.version == PledgeVersion.objects.current()
    assert pledge.declaration_name == pledge.signatory_name.upper()
    event = pledge.events.get()
    assert (event.kind, event.actor, event.from_status, event.to_status) == (
        "submitted",
        user,
        "draft",
        "submitted",
    )
    to_signatory, to_team = sorted(mail.outbox, key=lambda m: m.to[0] != user.email)
    assert to_signatory.to == [user.email]
    assert pledge.reference in to_signatory.subject
    assert pledge.reference in to_signatory.body
    assert "What happens next".upper() in to_signatory.body
    for action_ in pledge.actions.all():
        assert action_.title in to_signatory.body
    assert to_team.to == [settings.PROGRAMME_TEAM_EMAIL]
    assert f"{settings.SITE_URL}/team/{pledge.pk}/" in to_team.body


def test_resubmitting_after_changes_were_requested_records_a_resubmission(user):
    pledge = PledgeFactory(created_by=user, submitted=True, status=Pledge.Status.CHANGES_REQUESTED)
    signing.submit_pledge(pledge=pledge, by=user, declaration_name=pledge.signatory_name)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    event = pledge.events.get()
    assert (event.kind, event.from_status) == ("resubmitted", "changes_requested")
    assert "updated pledge" in OutboxEmail.objects.get(to=user.email).subject


@pytest.mark.parametrize("status", ["submitted", "approved", "rejected", "withdrawn", "lapsed"])
def test_submitting_a_pledge_that_is_not_a_draft_is_refused(user, status):
    pledge = pledge_in(status, created_by=user)
    with pytest.raises(NotAllowed, match="cannot be submitted"):
        signing.submit_pledge(pledge=pledge, by=user, declaration_name=pledge.signatory_name)
    pledge.refresh_from_db()
    assert pledge.status == status
    assert not pledge.events.exists()
    assert not OutboxEmail.objects.exists()


def test_submitting_twice_gives_one_submission_one_event_and_two_emails(user):
    pledge = PledgeFactory(created_by=user)
    signing.submit_pledge(pledge=pledge, by=user, declaration_name=pledge.signatory_name)
    with pytest.raises(NotAllowed):
        signing.submit_pledge(pledge=pledge, by=user, declaration_name=pledge.signatory_name)
    assert pledge.events.count() == 1
    assert OutboxEmail.objects.count() == 2


def test_submitting_with_answers_missing_is_refused(user):
    pledge = PledgeFactory(created_by=user, with_actions=False, show_actions=None)
    with pytest.raises(NotAllowed, match=r"two actions.*publishing choices"):
        signing.submit_pledge(pledge=pledge, by=user, declaration_name=pledge.signatory_name)


def test_submitting_with_a_different_name_is_refused(user):
    pledge = PledgeFactory(created_by=user, signatory_name="Sam Okafor")
    with pytest.raises(NotAllowed, match="does not match"):
        signing.submit_pledge(pledge=pledge, by=user, declaration_name="Sam Smith")


def test_names_match_ignoring_case_and_spacing():
    assert signing.names_match(" sam  OKAFOR", "Sam Okafor")
    assert not signing.names_match("Sam Okafor-Smith", "Sam Okafor")


def test_a_rolled_back_submission_sends_nothing(user, django_capture_on_commit_callbacks):
    pledge = PledgeFactory(created_by=user)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        signing.submit_pledge(pledge=pledge, by=user, declaration_name=pledge.signatory_name)
        raise RuntimeError("something after the submission failed")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.DRAFT
    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def test_a_committed_submission_queues_exactly_two_emails_and_sends_them_after_commit(
    user, django_capture_on_commit_callbacks
):
    pledge = PledgeFactory(created_by=user)
    with django_capture_on_commit_callbacks() as callbacks:
        signing.submit_pledge(pledge=pledge, by=user, declaration_name=pledge.signatory_name)
        assert mail.outbox == []
    assert OutboxEmail.objects.about(pledge).count() == 2
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxEmail.Status.SENT}


def publish_new_version():
    old = PledgeVersion.objects.current()
    version = PledgeVersion.objects.create(
        number=old.number + 1,
        title=old.title,
        introduction=old.introduction,
        published_on=timezone.localdate(),
    )
    for commitment in old.commitments.all():
        Commitment.objects.create(
            version=version, number=commitment.number, title=commitment.title, text=commitment.text + " (v2)"
        )
    return version


def test_a_draft_agreed_before_the_wording_changed_must_agree_again_before_submitting(user):
    pledge = PledgeFactory(created_by=user)
    new_version = publish_new_version()
    with pytest.raises(NotAllowed, match="wording has been updated"):
        signing.submit_pledge(pledge=pledge, by=user, declaration_name=pledge.signatory_name)

    signing.agree_to_commitments(pledge=pledge, by=user)
    pledge.refresh_from_db()
    assert pledge.version == new_version
    for action_ in pledge.actions.all():
        assert {c.version_id for c in action_.commitments.all()} == {new_version.pk}
    signing.submit_pledge(pledge=pledge, by=user, declaration_name=pledge.signatory_name)
    pledge.refresh_from_db()
    assert pledge.version == new_version


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_the_same_moment_give_one_submission():
    """Two requests racing (a double click): the row lock makes the second see it already submitted."""
    pledge = PledgeFactory()
    submit = partial(
        signing.submit_pledge, pledge=pledge, by=pledge.created_by, declaration_name=pledge.signatory_name
    )
    assert len(refusals(at_once(submit, submit), NotAllowed)) == 1
    assert pledge.events.filter(kind=PledgeEvent.Kind.SUBMITTED).count() == 1
    assert OutboxEmail.objects.about(pledge).count() == 2


def test_someone_outside_the_organisation_cannot_delete_its_draft():
    draft = PledgeFactory(status=Pledge.Status.DRAFT)
    with pytest.raises(NotAllowed, match="Only people at the organisation"):
        signing.discard_draft(pledge=draft, by=UserFactory())
    assert Pledge.objects.filter(pk=draft.pk).exists()
