"""Each pledge email reaches a real SMTP server from the default sender, with working links.

Each test drives the page or service that causes one kind of email (one
template in templates/emails/), lets the outbox send it through Django's SMTP
backend on commit, and checks what the server received: sender, recipient,
subject, the key sentence, the Message-ID of its outbox row, and that every
link is on SITE_URL and opens for the person reading it.
"""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organisations.models import Membership
from outbox.models import OutboxEmail
from pledges.models import Pledge, RejectionReason
from pledges.services import versions
from reviews import reminders
from reviews import services as reviews
from reviews import tasks as reviews_tasks
from reviews.models import Reminder
from tests.factories import MembershipFactory, PledgeFactory, UserFactory
from tests.support.delivery import delivered_to
from tests.support.links import assert_links_open, links_in, site_path
from tests.support.signing_in import sign_in_recently

pytestmark = pytest.mark.django_db

TEAM = settings.PROGRAMME_TEAM_EMAIL


def signed_in(user):
    """A browser of its own, signed in as `user`: the reader who opens an email's links."""
    client = Client()
    sign_in_recently(client, user)  # as if they had just confirmed their password, for the pages that ask
    return client


@pytest.fixture
def team(programme_team_member):
    return signed_in(programme_team_member)


@pytest.fixture
def draft():
    """A complete draft, ready for its signatory to sign the declaration."""
    return PledgeFactory(created_by=UserFactory(email="leader@example.org"), signatory_name="Sam Okafor")


@pytest.fixture
def submitted():
    return PledgeFactory(created_by=UserFactory(email="leader@example.org"), submitted=True)


@pytest.fixture
def approved():
    return PledgeFactory(created_by=UserFactory(email="leader@example.org"), approved=True)


def submit(pledge, send_on_commit):
    with send_on_commit():
        response = signed_in(pledge.created_by).post(
            reverse("pledges:sign_declaration", kwargs={"pk": pledge.pk}),
            {"declaration_name": pledge.signatory_name},
        )
    assert response.status_code == 302


def decide(team, pledge, decision, data, send_on_commit):
    with send_on_commit():
        response = team.post(reverse(f"team:{decision}", args=[pledge.pk]), data)
    assert response.url == reverse("team:pledge", args=[pledge.pk])


# Signing ---------------------------------------------------------------------------------------


def test_signing_the_pledge_emails_the_signatory_a_confirmation_with_a_link_to_their_pledge(
    draft, smtp_server, send_on_commit
):
    submit(draft, send_on_commit)

    received, _ = delivered_to(smtp_server, "leader@example.org")
    assert received["Subject"] == f"Thank you for signing the pledge ({draft.reference})"
    assert f"on behalf of {draft.organisation.name}. We have received it." in received.text
    (link,) = assert_links_open(signed_in(draft.created_by), received.text)
    assert site_path(link) == reverse("pledges:my_pledges")


def test_signing_the_pledge_emails_the_programme_team_a_link_to_decide_it(
    draft, smtp_server, send_on_commit, team
):
    submit(draft, send_on_commit)

    received, _ = delivered_to(smtp_server, TEAM)
    name = draft.organisation.name
    assert received["Subject"] == f"New pledge to decide: {name} ({draft.reference})"
    assert f"{name} has signed the pledge and submitted it for a decision." in received.text
    (link,) = assert_links_open(team, received.text)
    assert site_path(link) == reverse("team:pledge", args=[draft.pk])


# The programme team's decisions ----------------------------------------------------------------


def test_approving_a_pledge_emails_the_signatory_links_to_the_directory_and_their_pledge(
    submitted, smtp_server, send_on_commit, team
):
    decide(team, submitted, "approve", {}, send_on_commit)

    received, _ = delivered_to(smtp_server, "leader@example.org")
    name = submitted.organisation.name
    assert received["Subject"] == f"Your pledge is approved: {name} is now a partner"
    assert f"has approved the Trauma-Informed Pledge you signed for {name}." in received.text
    links = assert_links_open(signed_in(submitted.created_by), received.text)
    assert [site_path(link) for link in links] == [
        reverse("directory:directory"),
        reverse("pledges:my_pledges"),
    ]


def test_asking_for_changes_emails_the_signatory_the_message_and_a_link_to_their_pledge(
    submitted, smtp_server, send_on_commit, team
):
    decide(
        team,
        submitted,
        "request_changes",
        {"changes-message": "Please name who leads action 2."},
        send_on_commit,
    )

    received, _ = delivered_to(smtp_server, "leader@example.org")
    assert received["Subject"] == f"Your pledge for {submitted.organisation.name}: a few changes, please"
    assert "would like you to change a few things before it is approved" in received.text
    assert "Please name who leads action 2." in received.text
    (link,) = assert_links_open(signed_in(submitted.created_by), received.text)
    assert site_path(link) == reverse("pledges:my_pledges")


def test_not_approving_a_pledge_emails_the_signatory_the_reason_and_the_note(
    submitted, smtp_server, send_on_commit, team
):
    reason = RejectionReason.objects.filter(is_active=True).first()
    data = {"reject-reason": reason.pk, "reject-note": "Your actions are outside our area."}
    decide(team, submitted, "reject", data, send_on_commit)

    received, _ = delivered_to(smtp_server, "leader@example.org")
    assert received["Subject"] == f"Your pledge for {submitted.organisation.name}"
    assert "we are not able to approve it" in received.text
    assert f"The reason: {reason.label}" in received.text
    assert "Your actions are outside our area." in received.text
    assert links_in(received.text) == []


def test_the_team_withdrawing_a_pledge_emails_the_signatory_the_reason_and_how_to_sign_again(
    approved, smtp_server, send_on_commit, team
):
    decide(team, approved, "withdraw", {"withdraw-reason": "At the organisation's request."}, send_on_commit)

    received, _ = delivered_to(smtp_server, "leader@example.org")
    assert received["Subject"] == f"The pledge for {approved.organisation.name} has been withdrawn"
    assert (
        f"The programme team has withdrawn the Trauma-Informed Pledge for {approved.organisation.name}."
        in received.text
    )
    assert "The reason given: At the organisation's request." in received.text
    (link,) = assert_links_open(signed_in(approved.created_by), received.text)
    assert site_path(link) == reverse("pledges:sign_start")


def test_reinstating_a_pledge_emails_the_signatory_links_to_the_directory_and_their_pledge(
    smtp_server, send_on_commit, team
):
    pledge = PledgeFactory(
        created_by=UserFactory(email="leader@example.org"),
        approved=True,
        status=Pledge.Status.WITHDRAWN,
        withdrawn_at=timezone.now(),
    )
    decide(team, pledge, "reinstate", {"reinstate-note": ""}, send_on_commit)

    received, _ = delivered_to(smtp_server, "leader@example.org")
    assert received["Subject"] == f"The pledge for {pledge.organisation.name} is active again"
    assert (
        f"The programme team has reinstated the Trauma-Informed Pledge for {pledge.organisation.name}."
        in received.text
    )
    links = assert_links_open(signed_in(pledge.created_by), received.text)
    assert [site_path(link) for link in links] == [
        reverse("directory:directory"),
        reverse("pledges:my_pledges"),
    ]


# The partner's own pages -----------------------------------------------------------------------


def test_a_partner_withdrawing_its_own_pledge_emails_the_programme_team_a_link_to_it(
    approved, smtp_server, send_on_commit, team
):
    with send_on_commit():
        signed_in(approved.created_by).post(
            reverse("pledges:withdraw_own_pledge", args=[approved.pk]), {"reason": "We are closing in March."}
        )

    received, _ = delivered_to(smtp_server, TEAM)
    name = approved.organisation.name
    assert received["Subject"] == f"{name} has withdrawn its pledge ({approved.reference})"
    assert f'has withdrawn the pledge for {name} from "Your pledge".' in received.text
    assert "The reason given: We are closing in March." in received.text
    (link,) = assert_links_open(team, received.text)
    assert site_path(link) == reverse("team:pledge", args=[approved.pk])


def test_inviting_a_contact_emails_them_a_link_that_makes_them_a_contact(
    approved, smtp_server, send_on_commit
):
    with send_on_commit():
        signed_in(approved.created_by).post(
            reverse("organisations:invite_contact", kwargs={"organisation_id": approved.organisation_id}),
            {"email": "colleague@example.org"},
        )

    received, _ = delivered_to(smtp_server, "colleague@example.org")
    name = approved.organisation.name
    assert received["Subject"] == f"You are invited to be a pledge contact for {name}"
    assert f"has invited you to be a contact for {name}'s Trauma-Informed Pledge" in received.text
    colleague = signed_in(UserFactory(email="colleague@example.org"))
    (link,) = assert_links_open(colleague, received.text)
    colleague.post(site_path(link))
    assert Membership.objects.get(user__email="colleague@example.org").organisation == approved.organisation


# The annual review -----------------------------------------------------------------------------


def submit_review(pledge, send_on_commit):
    cycle = pledge.cycles.get()
    for number in (1, 2):
        reviews.save_action_progress(
            cycle=cycle, number=number, by=pledge.created_by, progress="completed", what_happened="Done"
        )
        reviews.continue_action(cycle=cycle, number=number, by=pledge.created_by)
    with send_on_commit():
        response = signed_in(pledge.created_by).post(reverse("reviews:check", kwargs={"cycle_id": cycle.pk}))
    assert response.status_code == 302
    return cycle


def test_submitting_the_annual_review_emails_each_contact_a_thank_you_with_a_link_to_their_pledge(
    approved, smtp_server, send_on_commit
):
    contact = MembershipFactory(organisation=approved.organisation, role="contact").user
    submit_review(approved, send_on_commit)

    for reader in (approved.created_by, contact):
        received, _ = delivered_to(smtp_server, reader.email)
        name = approved.organisation.name
        assert received["Subject"] == f"Thank you for your annual pledge review: {name}"
        assert f"Thank you for completing the annual review of {name}'s pledge." in received.text
        (link,) = assert_links_open(signed_in(reader), received.text)
        assert site_path(link) == reverse("pledges:my_pledges")


def test_submitting_the_annual_review_emails_the_programme_team_a_link_to_read_it(
    approved, smtp_server, send_on_commit, team
):
    cycle = submit_review(approved, send_on_commit)

    received, _ = delivered_to(smtp_server, TEAM)
    name = approved.organisation.name
    assert received["Subject"] == f"Annual review submitted: {name} ({approved.reference})"
    assert f"{name} has submitted its year 1 review" in received.text
    (link,) = assert_links_open(team, received.text)
    assert site_path(link) == reverse("team:annual_review", kwargs={"cycle_id": cycle.pk})


def test_acknowledging_a_review_emails_the_partner_the_teams_message(
    approved, smtp_server, send_on_commit, team
):
    cycle = approved.cycles.get()
    for number in (1, 2):
        reviews.save_action_progress(
            cycle=cycle, number=number, by=approved.created_by, progress="completed", what_happened="Done"
        )
        reviews.continue_action(cycle=cycle, number=number, by=approved.created_by)
    reviews.record_review(cycle=cycle, by=approved.created_by)  # its emails stay queued: never committed

    with send_on_commit():
        team.post(
            reverse("team:annual_review", kwargs={"cycle_id": cycle.pk}),
            {"message": "Thank you, inspiring."},
        )

    received, _ = delivered_to(smtp_server, "leader@example.org")
    name = approved.organisation.name
    assert received["Subject"] == f"The programme team has read your annual review: {name}"
    assert f"The programme team has read the year 1 review of {name}'s pledge." in received.text
    assert "Thank you, inspiring." in received.text
    assert links_in(received.text) == []


REMINDER_SUBJECTS = {
    "upcoming": "Your annual pledge review is coming up: {}",
    "due": "Your annual pledge review is due: {}",
    "overdue": "When you are ready: your annual pledge review for {}",
}
REMINDER_SENTENCES = {
    "upcoming": "Your annual review is due by",
    "due": "Your annual pledge review for {} is due today",
    "overdue": "there is no penalty for being late",
}


def due_on(due, **kwargs):
    """An approved pledge whose first review is due on `due`."""
    return PledgeFactory(approved=True, signed_on=due - relativedelta(months=12), **kwargs)


@pytest.mark.parametrize("kind", ["upcoming", "due", "overdue"])
def test_the_reminder_sweep_emails_each_contact_the_reminder_with_a_link_to_the_review(
    kind, smtp_server, send_on_commit
):
    due = timezone.localdate() + timedelta(days=40)
    pledge = due_on(due, created_by=UserFactory(email="leader@example.org"))
    contact = MembershipFactory(organisation=pledge.organisation, role="contact").user
    sweep_day = due + timedelta(days=settings.REVIEW_REMINDER_OFFSETS[kind])

    with send_on_commit():
        sent = reminders.send_due_reminders(on=sweep_day)

    assert sent[kind] == 1
    name = pledge.organisation.name
    for reader in (pledge.created_by, contact):
        received, _ = delivered_to(smtp_server, reader.email)
        assert received["Subject"] == REMINDER_SUBJECTS[kind].format(name)
        assert REMINDER_SENTENCES[kind].format(name) in received.text
        (link,) = assert_links_open(signed_in(reader), received.text)
        assert site_path(link) == reverse("reviews:start", kwargs={"cycle_id": pledge.cycles.get().pk})


def test_the_reminder_sweep_emails_the_programme_team_an_escalation_with_a_link_to_the_reviews(
    smtp_server, send_on_commit, team
):
    due = timezone.localdate() - timedelta(days=40)
    pledge = due_on(due, created_by=UserFactory(email="leader@example.org"))
    days = settings.REVIEW_REMINDER_OFFSETS["escalation"]

    with send_on_commit():
        sent = reminders.send_due_reminders(on=due + timedelta(days=days))

    assert sent[Reminder.Kind.ESCALATION] == 1
    received, _ = delivered_to(smtp_server, TEAM)
    name = pledge.organisation.name
    assert received["Subject"] == f"Review {days} days overdue: {name} ({pledge.reference})"
    assert f"The annual review for a partner is {days} days overdue." in received.text
    assert f"{pledge.created_by.name} ({pledge.created_by.email}), signatory" in received.text
    (link,) = assert_links_open(team, received.text)
    assert site_path(link) == reverse("team:annual_review", kwargs={"cycle_id": pledge.cycles.get().pk})


def test_one_days_sweep_delivers_every_partners_reminders_once_each_with_their_own_message_ids(
    smtp_server, send_on_commit
):
    """Several partners at every stage: each reader gets each reminder once, as its own message."""
    today = timezone.localdate()
    offsets = settings.REVIEW_REMINDER_OFFSETS
    stages = {
        "upcoming": [due_on(today - timedelta(days=offsets["upcoming"])) for _ in range(2)],
        "due": [due_on(today - timedelta(days=offsets["due"])) for _ in range(2)],
        "overdue": [due_on(today - timedelta(days=offsets["overdue"])) for _ in range(2)],
        "escalation": [due_on(today - timedelta(days=offsets["escalation"])) for _ in range(2)],
    }
    for pledges in stages.values():
        MembershipFactory(organisation=pledges[0].organisation, role="contact")

    with send_on_commit():
        sent = reviews_tasks.send_review_reminders.delay().get()  # as beat runs it, eagerly here
    # An escalated partner's contacts still have their overdue reminder to come, on the same sweep.
    assert sent == {"upcoming": 2, "due": 2, "overdue": 4, "escalation": 2, "lapse_notice": 0}

    rows = list(OutboxEmail.objects.all())
    # Eight partners: four reminder kinds for their 8 signatories and 4 contacts, and two escalations.
    assert len(rows) == 8 + 4 + 2
    assert {row.status for row in rows} == {OutboxEmail.Status.SENT}
    message_ids = [received["Message-ID"] for received in smtp_server.received]
    assert len(message_ids) == len(set(message_ids)) == len(rows)
    assert set(message_ids) == {row.message_id for row in rows}
    for received in smtp_server.received:
        assert received["From"] == settings.DEFAULT_FROM_EMAIL
    escalations = smtp_server.to(TEAM)
    assert len(escalations) == 2
    days = offsets["escalation"]
    assert all(received["Subject"].startswith(f"Review {days} days overdue") for received in escalations)

    with send_on_commit():
        assert (
            sum(reviews_tasks.send_review_reminders.delay().get().values()) == 0
        )  # a second sweep sends nothing
    assert len(smtp_server.received) == len(rows)


# A new wording of the pledge -------------------------------------------------------------------


def publish_version_2(programme_team_member, send_on_commit):
    draft = versions.start_draft_version(by=programme_team_member)
    with send_on_commit():
        return versions.publish_version(
            version=draft, by=programme_team_member, effective_on=timezone.localdate()
        )


def test_publishing_a_new_wording_invites_the_signatory_to_reaffirm_with_links_that_open(
    approved, smtp_server, send_on_commit, programme_team_member
):
    publish_version_2(programme_team_member, send_on_commit)

    received, _ = delivered_to(smtp_server, "leader@example.org")
    name = approved.organisation.name
    assert received["Subject"] == f"A new wording of the pledge: please reaffirm it for {name}"
    assert "version 2 is in effect from" in received.text
    links = assert_links_open(signed_in(approved.created_by), received.text)
    assert [site_path(link) for link in links] == [
        reverse("directory:pledge_version", args=[2]),
        reverse("pledges:reaffirm", args=[approved.pk]),
    ]


def test_the_teams_one_reminder_to_reaffirm_reaches_the_signatory_with_links_that_open(
    approved, smtp_server, send_on_commit, programme_team_member
):
    version = publish_version_2(programme_team_member, send_on_commit)
    with send_on_commit():
        versions.remind_partners_to_reaffirm(version=version, by=programme_team_member)

    _invitation, reminder = smtp_server.to("leader@example.org")
    assert reminder["Subject"] == (
        f"A reminder: please reaffirm the new wording of the pledge for {approved.organisation.name}"
    )
    assert "This is the only reminder we will send." in reminder.text
    links = assert_links_open(signed_in(approved.created_by), reminder.text)
    assert [site_path(link) for link in links] == [
        reverse("pledges:reaffirm", args=[approved.pk]),
        reverse("directory:pledge_version", args=[2]),
    ]
