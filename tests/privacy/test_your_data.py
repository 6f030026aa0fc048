"""Your data: the downloads hold the person's data and no one else's; closing the account; the notice."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from accounts.models import User
from organisations.models import Invitation, Membership, OrganisationEvent
from organisations.services import contacts
from outbox.models import OutboxEmail
from pledges.models import Pledge, PledgeEvent
from privacy import services
from tests.factories import (
    MembershipFactory,
    OutboxEmailFactory,
    PledgeEventFactory,
    PledgeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
DATA_URLS = ["privacy:download_json", "privacy:download_csv", "privacy:close_account"]


def reauthenticate(client):
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def signatory():
    return PledgeFactory(approved=True, show_signatory=True).created_by


@pytest.fixture
def someone_else(signatory):
    """A colleague at the same partner, with their own pledge elsewhere, events and emails."""
    organisation = signatory.memberships.get().organisation
    other = MembershipFactory(organisation=organisation, role=Membership.Role.CONTACT).user
    other_pledge = PledgeFactory(created_by=other, signatory_name=other.name)
    PledgeEventFactory(pledge=other_pledge, actor=other, note="Their own note")
    OutboxEmailFactory(to=other.email, subject="For the colleague only", body_text="Colleague's secret text")
    return other


@pytest.fixture
def signed_in(client, signatory):
    client.force_login(signatory)
    reauthenticate(client)
    return client


def download_json(client):
    response = client.get(reverse("privacy:download_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="your-data-')
    return json.loads(response.content)


def test_the_json_download_holds_the_persons_data_and_no_one_elses(signed_in, signatory, someone_else):
    OutboxEmailFactory(to=signatory.email, subject="Your pledge is approved", body_text="Well done")
    data = download_json(signed_in)
    assert data["account"]["email"] == signatory.email
    assert data["account"]["name"] == signatory.name
    assert [m["role"] for m in data["memberships"]] == ["Signatory"]
    (pledge,) = data["pledges_signed"]
    assert pledge["signatory_name"] == signatory.name
    assert len(pledge["actions"]) == 2
    assert [email["subject"] for email in data["emails_sent_to_you"]] == ["Your pledge is approved"]
    text = json.dumps(data)
    for theirs in [someone_else.email, someone_else.name, "Their own note", "Colleague's secret text"]:
        assert theirs not in text


def test_the_csv_download_holds_the_same_data_one_value_a_row(signed_in, signatory, someone_else):
    response = signed_in.get(reverse("privacy:download_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Section", "Item", "Field", "Value"]
    assert ["account", "", "email", signatory.email] in rows
    assert any(row[0] == "pledges_signed" and row[2] == "actions.1.title" for row in rows)
    assert someone_else.email not in response.content.decode()


def test_the_csv_download_defuses_spreadsheet_formulas(signed_in, signatory):
    signatory.name = "=HYPERLINK(1)"
    signatory.save()
    rows = list(csv.reader(io.StringIO(signed_in.get(reverse("privacy:download_csv")).content.decode())))
    assert ["account", "", "name", "'=HYPERLINK(1)"] in rows


def test_downloads_and_closing_ask_for_the_password_again(client, signatory):
    client.force_login(signatory)
    for name in DATA_URLS:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("account_reauthenticate")), name
    response = client.post(reverse("privacy:close_account"), {"confirm": "yes"})
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(pk=signatory.pk).exists()


def test_data_pages_send_anyone_signed_out_to_sign_in(client):
    for name in ["privacy:your_data", *DATA_URLS]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("account_login")), name


def test_the_your_data_page_links_the_downloads(client, signatory):
    client.force_login(signatory)
    page = client.get(reverse("privacy:your_data")).content.decode()
    assert reverse("privacy:download_json") in page
    assert reverse("privacy:close_account") in page


# Closing the account -----------------------------------------------------------------------------


def test_closing_the_account_needs_the_box_ticked(signed_in, signatory):
    response = signed_in.post(reverse("privacy:close_account"), {})
    assert "Tick the box" in response.content.decode()
    assert User.objects.filter(pk=signatory.pk).exists()


def test_the_last_person_at_an_approved_partner_is_warned_the_team_will_hold_it(signed_in, signatory):
    organisation = signatory.memberships.get().organisation
    page = signed_in.get(reverse("privacy:close_account")).content.decode()
    assert "the programme team will hold the organisation" in page
    assert organisation.name in page


def test_closing_removes_the_person_and_keeps_the_partners_record(signed_in, signatory, settings):
    pledge = Pledge.objects.get(created_by=signatory)
    organisation = pledge.organisation
    signed_name = pledge.signatory_name
    colleague_invitation, _ = contacts.invite_contact(
        organisation=organisation, email="new.colleague@example.org", by=signatory
    )
    PledgeEventFactory(pledge=pledge, actor=signatory, note="Submitted")
    OutboxEmailFactory(
        to=signatory.email, subject=f"Hello {signatory.name}", body_text=f"Dear {signatory.name}"
    )
    OutboxEmail.objects.filter(to="new.colleague@example.org").update(
        status="sent", sent_at=pledge.created_at
    )

    response = signed_in.post(reverse("privacy:close_account"), {"confirm": "yes"})

    assert response.url == reverse("pages:home")
    assert not User.objects.filter(pk=signatory.pk).exists()
    pledge.refresh_from_db()
    assert pledge.created_by is None
    assert pledge.signatory_name == signed_name  # kept as signed
    assert pledge.status == Pledge.Status.APPROVED
    assert not Membership.objects.filter(organisation=organisation).exists()
    assert PledgeEvent.objects.filter(pledge=pledge, actor=None, note="Submitted").exists()
    Invitation.objects.get(pk=colleague_invitation.pk)  # sent by them, kept without the link
    everything = " ".join(
        f"{e.to} {e.subject} {e.body_text} {e.body_html}" for e in OutboxEmail.objects.all()
    )
    assert signatory.email not in everything
    assert signatory.name not in everything
    team_email = OutboxEmail.objects.get(to=settings.PROGRAMME_TEAM_EMAIL, subject__contains="nobody acting")
    assert organisation.name in team_email.subject
    # Signed out, and the account cannot sign in again.
    assert signed_in.get(reverse("privacy:your_data")).status_code == 302


def test_closing_deletes_a_draft_nobody_saw_and_ends_its_invitations(client):
    draft = PledgeFactory()
    contacts.invite_contact(organisation=draft.organisation, email="x@example.org", by=draft.created_by)
    services.close_account(user=draft.created_by)
    assert not Pledge.objects.filter(pk=draft.pk).exists()
    assert Invitation.objects.get().revoked_at is not None


def test_the_audit_trail_keeps_its_events_about_a_closed_account_without_the_person(signatory, someone_else):
    membership = Membership.objects.get(user=someone_else, role=Membership.Role.CONTACT)
    contacts.remove_contact(membership=membership, by=signatory)
    services.close_account(user=someone_else)
    event = OrganisationEvent.objects.get(kind=OrganisationEvent.Kind.CONTACT_REMOVED)
    assert (event.actor, event.person) == (signatory, None)


def test_invitations_to_the_closed_address_no_longer_hold_it(signatory):
    organisation = signatory.memberships.get().organisation
    invitee = UserFactory(email="invitee@example.org")
    contacts.invite_contact(organisation=organisation, email="invitee@example.org", by=signatory)
    services.close_account(user=invitee)
    invitation = Invitation.objects.get()
    assert invitation.email == services.CLOSED_ACCOUNT_ADDRESS
    assert invitation.revoked_at is not None


def test_a_one_word_name_is_replaced_as_a_whole_word_only_in_emails_about_the_person():
    pledge = PledgeFactory(approved=True)
    sam = MembershipFactory(organisation=pledge.organisation, role=Membership.Role.CONTACT).user
    sam.name = "Sam"
    sam.save(update_fields=["name"])
    contacts.invite_contact(organisation=pledge.organisation, email="new@example.org", by=sam)
    about_their_pledge = OutboxEmailFactory(
        about=pledge,
        subject="Sam submitted the review",
        body_text="Thank you. Sam's review, sent by Sam, not Samantha or Sam_2 or FooSam.",
        body_html="<p>Sam&#x27;s review</p>",
    )
    unrelated = OutboxEmailFactory(subject="Sam from Bristol", body_text="Ask Sam.")

    services.close_account(user=sam)

    invitation = OutboxEmail.objects.get(to="new@example.org")
    assert "Sam" not in f"{invitation.subject} {invitation.body_text}"
    assert services.CLOSED_ACCOUNT_ADDRESS in invitation.body_text
    about_their_pledge.refresh_from_db()
    closed = services.CLOSED_ACCOUNT_ADDRESS
    assert about_their_pledge.subject == f"{closed} submitted the review"
    assert about_their_pledge.body_text == (
        f"Thank you. {closed}'s review, sent by {closed}, not Samantha or Sam_2 or FooSam."
    )
    assert about_their_pledge.body_html == f"<p>{closed}&#x27;s review</p>"
    unrelated.refresh_from_db()
    assert (unrelated.subject, unrelated.body_text) == ("Sam from Bristol", "Ask Sam.")


def test_a_name_with_characters_special_to_regular_expressions_is_replaced_literally():
    pledge = PledgeFactory(approved=True)
    person = pledge.created_by
    person.name = "Jo (J.) Smith-Jones+"
    person.save(update_fields=["name"])
    email = OutboxEmailFactory(about=pledge, body_text="Signed by Jo (J.) Smith-Jones+ and Jo J Smith-Jones")

    services.close_account(user=person)

    email.refresh_from_db()
    assert email.body_text == f"Signed by {services.CLOSED_ACCOUNT_ADDRESS} and Jo J Smith-Jones"


# The privacy notice --------------------------------------------------------------------------------


def test_the_privacy_notice_states_the_retention_periods_in_the_settings(client, settings):
    settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS = 31
    settings.RETENTION_DRAFT_MONTHS = 13
    settings.RETENTION_SENT_EMAIL_BODY_DAYS = 91
    page = client.get(reverse("pages:privacy")).content.decode()

    def stated(item):
        return re.sub(r"\s+", " ", re.search(rf'<li id="retention-{item}">(.*?)</li>', page, re.S).group(1))

    assert "never confirmed, 31 days after" in stated("unverified")
    assert "never submitted, 13 months after" in stated("drafts")
    assert "emails we sent, 91 days after" in stated("emails")
