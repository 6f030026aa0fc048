"""The programme team's "Emails not sent" page: who sees it, who may send again, and emails really resent."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outbox import services as outbox
from outbox.models import BouncedAddress, OutboxEmail
from tests.factories import OutboxEmailFactory, PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("team:failed_emails")
SEND_AGAIN_URL = reverse("team:send_emails_again")


def refused_email(smtp_server, *, to="gone@example.org", about=None):
    """An email the real SMTP server refused for good: failed, and its address flagged as bounced."""
    smtp_server.handler.refuse_recipients[to.lower()] = "550 5.1.1 No such mailbox"
    email = outbox.queue_email(
        to=to, subject="Your pledge is approved", body_text="Welcome aboard.", about=about
    )
    outbox.send_outbox_email(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    return email


@pytest.fixture
def team_member_without_the_permission(programme_team_member):
    programme_team_member.groups.get().permissions.remove(
        Permission.objects.get(codename="resend_outboxemail")
    )
    return programme_team_member


def statuses():
    return dict(OutboxEmail.objects.values_list("pk", "status"))


# Who may see the page and send again ---------------------------------------------------


def test_anyone_signed_out_is_sent_to_sign_in_from_the_list_and_from_send_again(client):
    email = OutboxEmailFactory(failed=True)
    for response in [client.get(LIST_URL), client.post(SEND_AGAIN_URL, {"email": [email.pk]})]:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert statuses() == {email.pk: OutboxEmail.Status.FAILED}


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(),
        lambda: UserFactory(is_staff=True),
        # The permission alone is not enough: the page is the programme team's.
        lambda: _with_resend_permission(UserFactory(is_staff=True)),
    ],
    ids=["partner", "staff outside the group", "outside the group with the permission"],
)
def test_people_outside_the_programme_team_are_forbidden_and_send_nothing(client, make_user):
    email = OutboxEmailFactory(failed=True)
    client.force_login(make_user())
    assert client.get(LIST_URL).status_code == 403
    assert client.post(SEND_AGAIN_URL, {"email": [email.pk]}).status_code == 403
    assert statuses() == {email.pk: OutboxEmail.Status.FAILED}


def _with_resend_permission(user):
    user.user_permissions.add(Permission.objects.get(codename="resend_outboxemail"))
    return user


def test_a_team_member_without_the_permission_sees_the_list_but_no_buttons_and_cannot_send_again(
    client, team_member_without_the_permission
):
    email = OutboxEmailFactory(failed=True)
    client.force_login(team_member_without_the_permission)
    response = client.get(LIST_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert email.to in page
    assert "Send again" not in page
    assert SEND_AGAIN_URL not in page
    assert "ask an administrator for the permission “Can send failed emails again”" in page
    assert client.post(SEND_AGAIN_URL, {"email": [email.pk]}).status_code == 403
    assert statuses() == {email.pk: OutboxEmail.Status.FAILED}


def test_the_programme_team_group_can_send_again(client, programme_team_member):
    OutboxEmailFactory(failed=True)
    client.force_login(programme_team_member)
    page = client.get(LIST_URL).content.decode()
    assert "Send all 1 again" in page
    assert ">Send again<" in page


def test_a_superuser_can_send_again_without_being_in_the_group(client):
    email = OutboxEmailFactory(failed=True)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert "Send again" in client.get(LIST_URL).content.decode()
    assert client.post(SEND_AGAIN_URL, {"email": [email.pk]}).status_code == 302
    assert statuses() == {email.pk: OutboxEmail.Status.QUEUED}


def test_send_again_is_post_only_and_needs_a_csrf_token(programme_team_member):
    email = OutboxEmailFactory(failed=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(programme_team_member)
    assert client.get(SEND_AGAIN_URL, {"email": [email.pk]}).status_code == 405
    assert client.post(SEND_AGAIN_URL, {"email": [email.pk]}).status_code == 403
    assert statuses() == {email.pk: OutboxEmail.Status.FAILED}


# What the list shows ------------------------------------------------------------------------


def test_the_list_shows_each_failed_email_newest_first_with_the_servers_reply_and_its_pledge(
    client, programme_team_member
):
    pledge = PledgeFactory(approved=True)
    older = OutboxEmailFactory(
        failed=True,
        to="old@example.org",
        subject="Your annual review is due",
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        attempts=9,
        failed_at=timezone.now() - timedelta(days=2),
    )
    newer = OutboxEmailFactory(
        failed=True, to="new@example.org", subject="Your pledge is approved", about=pledge
    )
    OutboxEmailFactory(status=OutboxEmail.Status.SENT, sent_at=timezone.now(), subject="Already sent")
    OutboxEmailFactory(subject="Still queued")
    client.force_login(programme_team_member)
    response = client.get(LIST_URL)
    page = response.content.decode()
    assert list(response.context["emails"]) == [newer, older]
    for expected in [
        "new@example.org",
        "Your pledge is approved",
        "550 5.1.1 No such mailbox",
        "after 1 try",
        "SMTPServerDisconnected: Connection unexpectedly closed",
        "after 9 tries",
        f'href="{reverse("team:pledge", args=[pledge.pk])}"',
        f"{pledge.organisation.name} ({pledge.reference})",
        "2 emails not sent, newest first",
    ]:
        assert expected in page, expected
    assert "Already sent" not in page
    assert "Still queued" not in page


def test_an_email_to_a_bounced_address_is_flagged_whatever_the_case_of_the_address(
    client, programme_team_member
):
    BouncedAddress.objects.create(email="Gone@Example.org", reason="550 5.1.1 No such mailbox")
    to_bounced = OutboxEmailFactory(failed=True, to="gone@example.org")
    OutboxEmailFactory(failed=True, to="fine@example.org", last_error="554 5.7.1 Message rejected as spam")
    client.force_login(programme_team_member)
    response = client.get(LIST_URL)
    flagged = [email for email in response.context["emails"] if email.bounce_reason]
    assert flagged == [to_bounced]
    assert response.content.decode().count(">Emails bounce</strong>") == 1


def test_with_nothing_failed_the_page_says_so_and_offers_no_button(client, programme_team_member):
    client.force_login(programme_team_member)
    page = client.get(LIST_URL).content.decode()
    assert "Every email has been sent or is on its way." in page
    assert "Send all" not in page


def test_the_team_tabs_link_to_the_list_and_mark_it_current(client, programme_team_member):
    client.force_login(programme_team_member)
    assert f'href="{LIST_URL}"' in client.get(reverse("team:queue")).content.decode()
    assert f'href="{LIST_URL}" aria-current="page"' in client.get(LIST_URL).content.decode()


def test_the_list_is_paginated_and_the_page_button_sends_only_that_page(client, programme_team_member):
    OutboxEmailFactory.create_batch(26, failed=True)
    client.force_login(programme_team_member)
    first = client.get(LIST_URL)
    assert len(first.context["emails"]) == 25
    assert "Send the 25 on this page again" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()
    assert len(client.get(LIST_URL, {"page": 2}).context["emails"]) == 1


def test_the_list_query_count_does_not_grow_with_the_number_of_emails(client, programme_team_member):
    client.force_login(programme_team_member)
    OutboxEmailFactory(failed=True, about=PledgeFactory(approved=True))
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL)
    for _ in range(20):
        email = OutboxEmailFactory(failed=True, about=PledgeFactory(approved=True, with_actions=False))
        BouncedAddress.objects.create(email=email.to, reason="550 5.1.1 No such mailbox")
    with CaptureQueriesContext(connection) as many:
        page = client.get(LIST_URL).content.decode()
    assert page.count(">Emails bounce</strong>") == 20
    assert len(many) == len(few)
    print(f"emails not sent with 1 and 21 emails: {len(few)} and {len(many)} queries")


# Sending again -------------------------------------------------------------------------------


def test_sending_an_email_again_delivers_it_to_the_smtp_server_after_commit(
    client, programme_team_member, smtp_server, django_capture_on_commit_callbacks
):
    email = refused_email(smtp_server)
    smtp_server.handler.refuse_recipients.clear()  # the partner fixed their mailbox
    client.force_login(programme_team_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SEND_AGAIN_URL, {"email": [email.pk]}, follow=True)
    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "1 email will be sent again." in response.content.decode()
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    (received,) = smtp_server.received
    assert received.rcpt_tos == ["gone@example.org"]
    assert received["Message-ID"] == email.message_id
    assert not BouncedAddress.objects.exists()  # it got through, so the address is no longer flagged


def test_sending_the_whole_page_again_queues_every_email_on_it(
    client, programme_team_member, smtp_server, django_capture_on_commit_callbacks
):
    first = refused_email(smtp_server, to="first@example.org")
    second = refused_email(smtp_server, to="second@example.org")
    smtp_server.handler.refuse_recipients.clear()
    client.force_login(programme_team_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SEND_AGAIN_URL, {"email": [first.pk, second.pk]}, follow=True)
    assert "2 emails will be sent again." in response.content.decode()
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == ["first@example.org", "second@example.org"]
    assert set(statuses().values()) == {OutboxEmail.Status.SENT}


def test_only_failed_emails_are_sent_again(
    client, programme_team_member, smtp_server, django_capture_on_commit_callbacks
):
    sent = OutboxEmailFactory(status=OutboxEmail.Status.SENT, sent_at=timezone.now())
    queued = OutboxEmailFactory()
    client.force_login(programme_team_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SEND_AGAIN_URL, {"email": [sent.pk, queued.pk]}, follow=True)
    assert "Nothing to send again" in response.content.decode()
    assert statuses() == {sent.pk: OutboxEmail.Status.SENT, queued.pk: OutboxEmail.Status.QUEUED}
    assert smtp_server.received == []


def test_sending_again_with_no_email_or_an_unknown_one_sends_nothing(client, programme_team_member):
    failed = OutboxEmailFactory(failed=True)
    client.force_login(programme_team_member)
    for data in [{}, {"email": ["999999"]}, {"email": ["not a number"]}]:
        response = client.post(SEND_AGAIN_URL, data, follow=True)
        assert "Nothing to send again" in response.content.decode()
    assert statuses() == {failed.pk: OutboxEmail.Status.FAILED}
