"""Accounts: email is the login, and nobody signs in until their email address is verified."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from outbox.models import OutboxEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def sign_up(client, email="new.leader@example.org"):
    return client.post(
        reverse("account_signup"),
        {"name": "Priya Shah", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def verification_link():
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)


def test_signing_up_sends_the_verification_email_through_the_outbox(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    email = OutboxEmail.objects.get()
    assert email.to == "new.leader@example.org"
    assert email.status == OutboxEmail.Status.SENT
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_an_unverified_account_cannot_sign_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new.leader@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_confirming_the_email_signs_the_person_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    path = verification_link().split("://", 1)[1].split("/", 1)[1]
    client.post("/" + path)
    assert EmailAddress.objects.get(email="new.leader@example.org").verified
    assert client.get(reverse("pledges:my_pledges")).status_code == 200


def test_email_login_ignores_case(client):
    UserFactory(email="chair@example.org")
    response = client.post(reverse("account_login"), {"login": "Chair@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_an_email_differing_only_in_case_cannot_sign_up_again(client, django_capture_on_commit_callbacks):
    UserFactory(email="chair@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="CHAIR@example.org")
    # allauth does not reveal that the address is taken; it tells the owner instead.
    assert User.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["chair@example.org"]]


def test_password_reset_email_goes_through_the_outbox(client, django_capture_on_commit_callbacks):
    UserFactory(email="chair@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "chair@example.org"})
    assert OutboxEmail.objects.filter(to="chair@example.org", status=OutboxEmail.Status.SENT).count() == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_only_the_programme_team_and_superusers_are_programme_team(programme_team_member):
    assert programme_team_member.is_programme_team
    assert not UserFactory().is_programme_team
    assert User.objects.create_superuser(email="admin@example.org", password=PASSWORD).is_programme_team


def test_a_superuser_made_with_createsuperuser_can_sign_in_at_once(client):
    call_command("createsuperuser", email="admin@example.org", interactive=False, verbosity=0)
    admin = User.objects.get(email="admin@example.org")
    admin.set_password(PASSWORD)
    admin.save()
    response = client.post(reverse("account_login"), {"login": "admin@example.org", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert response.url == reverse("accounts:name") + "?next=%2Fteam%2F"  # asked their name, then the queue
