"""The programme team's decisions: one change each, recording who and why, emailing after commit."""

from functools import partial

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.utils import timezone

from outbox.models import OutboxEmail
from pledge_portal.errors import NotAllowed
from pledges.models import Pledge, PledgeEvent, RejectionReason, ReviewCycle
from pledges.services import decisions
from tests.factories import PledgeFactory, UserFactory
from tests.support.concurrency import at_once, refusals
from tests.support.directory import rebuilds_directory


@pytest.fixture
def reason(db):
    return RejectionReason.objects.get(code="not-authorised")


def events(pledge, kind):
    return PledgeEvent.objects.filter(pledge=pledge, kind=kind)


# Approve --------------------------------------------------------------------------


@pytest.mark.django_db
def test_approving_makes_the_pledge_approved_signed_today_and_records_the_reviewer(
    programme_team_member, django_capture_on_commit_callbacks
):
    pledge = PledgeFactory(submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        event = decisions.approve_pledge(pledge=pledge, by=programme_team_member)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED
    assert pledge.approved_at is not None
    assert pledge.signed_on == timezone.localdate()
    assert (event.kind, event.actor, event.from_status, event.to_status) == (
        PledgeEvent.Kind.APPROVED,
        programme_team_member,
        Pledge.Status.SUBMITTED,
        Pledge.Status.APPROVED,
    )


@pytest.mark.django_db
def test_approval_starts_the_first_year_due_in_twelve_months_with_the_two_submitted_actions(
    programme_team_member,
):
    pledge = PledgeFactory(submitted=True)
    submitted_actions = set(pledge.actions.values_list("pk", flat=True))
    decisions.approve_pledge(pledge=pledge, by=programme_team_member)
    cycle = ReviewCycle.objects.get(pledge=pledge)
    today = timezone.localdate()
    assert cycle.number == 1
    assert cycle.starts_on == today
    assert cycle.due_on == today + relativedelta(months=12)
    assert set(cycle.actions.values_list("pk", flat=True)) == submitted_actions
    assert not pledge.actions.filter(cycle__isnull=True).exists()


@pytest.mark.django_db
def test_approval_emails_the_signatory_only_after_commit(
    programme_team_member, django_capture_on_commit_callbacks
):
    pledge = PledgeFactory(submitted=True)
    with django_capture_on_commit_callbacks() as callbacks:
        decisions.approve_pledge(pledge=pledge, by=programme_team_member)
        assert mail.outbox == []
    email = OutboxEmail.objects.about(pledge).get()
    assert email.to == pledge.created_by.email
    assert pledge.organisation.name in email.subject
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [[pledge.created_by.email]]


@pytest.mark.django_db
def test_approval_rebuilds_the_public_directory_after_commit(
    programme_team_member, django_capture_on_commit_callbacks
):
    pledge = PledgeFactory(submitted=True)
    with django_capture_on_commit_callbacks() as callbacks:
        decisions.approve_pledge(pledge=pledge, by=programme_team_member)
    assert rebuilds_directory(callbacks)


@pytest.mark.django_db
def test_approving_twice_records_one_decision_and_names_who_decided(programme_team_member):
    pledge = PledgeFactory(submitted=True)
    decisions.approve_pledge(pledge=pledge, by=programme_team_member)
    with pytest.raises(NotAllowed, match=r"already approved by .* at \d"):
        decisions.approve_pledge(pledge=pledge, by=programme_team_member)
    assert events(pledge, PledgeEvent.Kind.APPROVED).count() == 1
    assert OutboxEmail.objects.about(pledge).count() == 1
    assert ReviewCycle.objects.filter(pledge=pledge).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [Pledge.Status.DRAFT, Pledge.Status.REJECTED, Pledge.Status.WITHDRAWN, Pledge.Status.CHANGES_REQUESTED],
)
def test_only_a_submitted_pledge_can_be_approved(programme_team_member, status):
    pledge = PledgeFactory(status=status)
    with pytest.raises(NotAllowed):
        decisions.approve_pledge(pledge=pledge, by=programme_team_member)
    pledge.refresh_from_db()
    assert pledge.status == status
    assert not PledgeEvent.objects.filter(pledge=pledge).exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
def test_a_reviewer_cannot_decide_a_pledge_they_signed(programme_team_member, reason):
    pledge = PledgeFactory(submitted=True, created_by=programme_team_member)
    for decide in (
        lambda: decisions.approve_pledge(pledge=pledge, by=programme_team_member),
        lambda: decisions.request_changes(pledge=pledge, by=programme_team_member, message="Fix it"),
        lambda: decisions.reject_pledge(pledge=pledge, by=programme_team_member, reason=reason),
    ):
        with pytest.raises(NotAllowed, match="signed this pledge yourself"):
            decide()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    assert not PledgeEvent.objects.filter(pledge=pledge).exists()


# Ask for changes ------------------------------------------------------------------


@pytest.mark.django_db
def test_asking_for_changes_stores_the_message_and_emails_it(
    programme_team_member, django_capture_on_commit_callbacks
):
    pledge = PledgeFactory(submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.request_changes(
            pledge=pledge, by=programme_team_member, message="  Please name your leader.  "
        )
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.CHANGES_REQUESTED
    assert pledge.is_editable
    assert pledge.changes_requested_message == "Please name your leader."
    assert pledge.changes_requested_at is not None
    assert events(pledge, PledgeEvent.Kind.CHANGES_REQUESTED).get().note == "Please name your leader."
    assert "Please name your leader." in mail.outbox[0].body


@pytest.mark.django_db
def test_asking_for_changes_needs_a_message(programme_team_member):
    pledge = PledgeFactory(submitted=True)
    with pytest.raises(NotAllowed, match="message"):
        decisions.request_changes(pledge=pledge, by=programme_team_member, message="   ")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED


# Reject ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_rejecting_records_the_coded_reason_and_note_and_emails_them(
    programme_team_member, reason, django_capture_on_commit_callbacks
):
    pledge = PledgeFactory(submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.reject_pledge(
            pledge=pledge, by=programme_team_member, reason=reason, note="Ask your chief executive."
        )
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.REJECTED
    assert pledge.rejection_reason == reason
    assert pledge.rejected_at is not None
    assert (
        events(pledge, PledgeEvent.Kind.REJECTED).get().note == f"{reason.label}: Ask your chief executive."
    )
    assert reason.label in mail.outbox[0].body
    assert "Ask your chief executive." in mail.outbox[0].body


@pytest.mark.django_db
def test_rejecting_needs_an_active_reason(programme_team_member, reason):
    pledge = PledgeFactory(submitted=True)
    RejectionReason.objects.filter(pk=reason.pk).update(is_active=False)
    reason.refresh_from_db()
    for bad_reason in (None, reason):
        with pytest.raises(NotAllowed, match="reason"):
            decisions.reject_pledge(pledge=pledge, by=programme_team_member, reason=bad_reason)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED


@pytest.mark.django_db
def test_an_approved_pledge_cannot_be_rejected(programme_team_member, reason):
    pledge = PledgeFactory(approved=True)
    with pytest.raises(NotAllowed):
        decisions.reject_pledge(pledge=pledge, by=programme_team_member, reason=reason)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED


# Withdraw and reinstate -------------------------------------------------------------


@pytest.mark.django_db
def test_the_team_withdraws_an_approved_pledge_with_a_reason(
    programme_team_member, django_capture_on_commit_callbacks
):
    pledge = PledgeFactory(approved=True)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.withdraw_pledge(
            pledge=pledge, by=programme_team_member, reason="At the organisation's request"
        )
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.WITHDRAWN
    assert pledge.withdrawn_at is not None
    event = events(pledge, PledgeEvent.Kind.WITHDRAWN).get()
    assert (event.actor, event.note) == (programme_team_member, "At the organisation's request")
    assert [message.to for message in mail.outbox] == [[pledge.created_by.email]]


@pytest.mark.django_db
def test_withdrawing_needs_a_reason_and_an_approved_pledge(programme_team_member):
    approved, submitted = PledgeFactory(approved=True), PledgeFactory(submitted=True)
    with pytest.raises(NotAllowed, match="why"):
        decisions.withdraw_pledge(pledge=approved, by=programme_team_member, reason=" ")
    with pytest.raises(NotAllowed):
        decisions.withdraw_pledge(pledge=submitted, by=programme_team_member, reason="Asked to")
    assert not PledgeEvent.objects.exists()


@pytest.mark.django_db
def test_a_partner_member_withdraws_their_own_pledge_and_the_team_is_told(
    settings, django_capture_on_commit_callbacks
):
    pledge = PledgeFactory(approved=True)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.withdraw_own_pledge(
            pledge=pledge, by=pledge.created_by, reason="We are merging with another trust"
        )
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.WITHDRAWN
    assert events(pledge, PledgeEvent.Kind.WITHDRAWN).get().actor == pledge.created_by
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [pledge.created_by.email, settings.PROGRAMME_TEAM_EMAIL]
    )


@pytest.mark.django_db
def test_someone_outside_the_organisation_cannot_withdraw_its_pledge():
    pledge = PledgeFactory(approved=True)
    with pytest.raises(NotAllowed, match="Only people at"):
        decisions.withdraw_own_pledge(pledge=pledge, by=UserFactory(), reason="Mischief")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED


@pytest.mark.django_db
def test_reinstating_returns_a_withdrawn_pledge_to_approved(programme_team_member):
    pledge = PledgeFactory(approved=True)
    decisions.withdraw_pledge(pledge=pledge, by=programme_team_member, reason="By mistake")
    decisions.reinstate_pledge(pledge=pledge, by=programme_team_member, note="Withdrawn in error")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED
    assert pledge.withdrawn_at is None
    assert events(pledge, PledgeEvent.Kind.REINSTATED).get().note == "Withdrawn in error"


@pytest.mark.django_db
def test_reinstating_is_refused_clearly_when_the_organisation_has_another_live_pledge(programme_team_member):
    old = PledgeFactory(approved=True)
    decisions.withdraw_pledge(pledge=old, by=programme_team_member, reason="Left")
    PledgeFactory(organisation=old.organisation, submitted=True)
    with pytest.raises(NotAllowed, match="another pledge in progress or approved"):
        decisions.reinstate_pledge(pledge=old, by=programme_team_member)
    old.refresh_from_db()
    assert old.status == Pledge.Status.WITHDRAWN
    assert not events(old, PledgeEvent.Kind.REINSTATED).exists()


# Only the programme team decides -----------------------------------------------------


# Each team decision, with a pledge it could be made on; `reason` is the rejection reason fixture.
TEAM_DECISIONS = {
    "approve": ({"submitted": True}, lambda reason, **kw: decisions.approve_pledge(**kw)),
    "request_changes": (
        {"submitted": True},
        lambda reason, **kw: decisions.request_changes(message="Fix it", **kw),
    ),
    "reject": ({"submitted": True}, lambda reason, **kw: decisions.reject_pledge(reason=reason, **kw)),
    "withdraw": ({"approved": True}, lambda reason, **kw: decisions.withdraw_pledge(reason="Asked", **kw)),
    "reinstate": ({"status": Pledge.Status.WITHDRAWN}, lambda reason, **kw: decisions.reinstate_pledge(**kw)),
    "add_internal_note": (
        {"submitted": True},
        lambda reason, **kw: decisions.add_internal_note(note="A note", **kw),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("decision", TEAM_DECISIONS)
def test_someone_outside_the_programme_team_is_refused_and_nothing_changes(decision, reason):
    pledge_kind, decide = TEAM_DECISIONS[decision]
    pledge = PledgeFactory(**pledge_kind)
    status = pledge.status
    # Not even a member of the partner itself may decide on its pledge.
    for outsider in (UserFactory(), pledge.created_by):
        with pytest.raises(NotAllowed, match="Only the programme team"):
            decide(pledge=pledge, by=outsider, reason=reason)
    pledge.refresh_from_db()
    assert pledge.status == status
    assert not PledgeEvent.objects.filter(pledge=pledge).exists()
    assert not OutboxEmail.objects.exists()


# Internal notes -------------------------------------------------------------------


@pytest.mark.django_db
def test_an_internal_note_is_recorded_without_changing_status_or_emailing(programme_team_member):
    pledge = PledgeFactory(submitted=True)
    decisions.add_internal_note(pledge=pledge, by=programme_team_member, note="Called their office to check.")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    note = pledge.events.get(kind=PledgeEvent.Kind.NOTE)
    assert (note.actor, note.note) == (programme_team_member, "Called their office to check.")
    assert not OutboxEmail.objects.exists()


# Two reviewers at once (real PostgreSQL row locks) ----------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_make_one_approval_one_event_and_one_email():
    reviewers = UserFactory.create_batch(2, programme_team=True)
    pledge = PledgeFactory(submitted=True)
    outcomes = at_once(
        *(partial(decisions.approve_pledge, pledge=pledge, by=reviewer) for reviewer in reviewers)
    )

    [refusal] = refusals(outcomes, NotAllowed)
    assert str(refusal).startswith("This pledge was already approved by ")
    assert events(pledge, PledgeEvent.Kind.APPROVED).count() == 1
    assert OutboxEmail.objects.about(pledge).count() == 1
    assert len(mail.outbox) == 1
    assert ReviewCycle.objects.filter(pledge=pledge).count() == 1
