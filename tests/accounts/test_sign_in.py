"""Signing in: limits per client address behind the proxy, the admin through the same page, two-factor
sign-in, and log lines that hold neither the password nor the email address."""

import hashlib
import logging

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.urls import reverse

from accounts.receivers import email_fingerprint
from outbox.models import OutboxEmail
from tests.factories import UserFactory
from tests.support.signing_in import sign_in_recently

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # every UserFactory user's
LOGIN = reverse("account_login")
TOO_MANY = "Too many failed login attempts"


def sign_in(client, email, password, **headers):
    return client.post(LOGIN, {"login": email, "password": password}, headers=headers)


def is_refused_for_too_many(response):
    return response.status_code == 429 or TOO_MANY in response.content.decode()


# The limit behind the proxy --------------------------------------------------------------


@pytest.fixture
def behind_the_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def test_failed_sign_ins_from_one_client_do_not_lock_out_another_behind_the_proxy(client, behind_the_proxy):
    # Each try names another address, so only the per-client limit (10 a minute) can be hit.
    for n in range(10):
        sign_in(client, f"guess{n}@example.org", "wrong", x_forwarded_for="203.0.113.7")
    assert is_refused_for_too_many(
        sign_in(client, "guess@example.org", "wrong", x_forwarded_for="203.0.113.7")
    )

    person = UserFactory()
    signed_in = sign_in(client, person.email, PASSWORD, x_forwarded_for="198.51.100.2")
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_a_client_cannot_dodge_the_limit_by_making_up_an_address_before_the_proxys(client, behind_the_proxy):
    for n in range(10):
        sign_in(client, f"guess{n}@example.org", "wrong", x_forwarded_for=f"10.0.0.{n}, 203.0.113.7")
    refused = sign_in(client, "guess@example.org", "wrong", x_forwarded_for="10.0.0.99, 203.0.113.7")
    assert is_refused_for_too_many(refused)


def test_without_a_trusted_proxy_a_made_up_forwarded_address_is_ignored(client):
    for n in range(10):
        sign_in(client, f"guess{n}@example.org", "wrong", x_forwarded_for=f"203.0.113.{n}")
    assert is_refused_for_too_many(
        sign_in(client, "guess@example.org", "wrong", x_forwarded_for="203.0.113.99")
    )


def test_five_wrong_passwords_for_one_account_hold_off_even_the_right_one(client):
    person = UserFactory()
    for _ in range(5):
        sign_in(client, person.email, "wrong")
    assert is_refused_for_too_many(sign_in(client, person.email, PASSWORD))
    assert "_auth_user_id" not in client.session


# The admin -------------------------------------------------------------------------------


def test_the_admin_is_at_the_configured_path():
    assert reverse("admin:index") == f"/{settings.ADMIN_PATH}/"


def test_the_admin_login_sends_people_to_the_portals_sign_in_page(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_the_admin_login_form_accepts_no_password_of_its_own(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_fifteen_wrong_admin_passwords_then_the_right_one_does_not_sign_in(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(15):
        sign_in(client, staff.email, "wrong")
    assert is_refused_for_too_many(sign_in(client, staff.email, PASSWORD))
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_signed_in_person_who_is_not_staff_is_refused_the_admin(client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:login")).status_code == 403


# Two-factor sign-in ----------------------------------------------------------------------


def add_authenticator_app(user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def test_staff_and_the_team_are_offered_two_factor_sign_in(client, programme_team_member):
    client.force_login(programme_team_member)
    assert reverse("mfa_index") in client.get("/my/").content.decode()
    client.force_login(UserFactory())
    assert reverse("mfa_index") not in client.get("/my/").content.decode()


def test_a_superuser_must_set_up_two_factor_sign_in_when_the_setting_says_so(client, settings):
    settings.MFA_REQUIRED_FOR_SUPERUSERS = True
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    for path in ("/my/", reverse("admin:index"), reverse("team:queue")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == reverse("mfa_activate_totp"), path
    assert client.get(reverse("mfa_index")).status_code == 200

    add_authenticator_app(superuser)
    assert client.get(reverse("admin:index")).status_code == 200


def test_without_the_setting_superusers_choose_for_themselves(client, settings):
    settings.MFA_REQUIRED_FOR_SUPERUSERS = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200


def test_with_an_authenticator_app_signing_in_asks_for_its_code(client):
    person = UserFactory(is_staff=True)
    add_authenticator_app(person)
    response = sign_in(client, person.email, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()


# Log lines -------------------------------------------------------------------------------


def test_a_failed_sign_in_is_logged_with_the_email_hashed_and_no_password(client, caplog):
    caplog.set_level(logging.INFO, logger="accounts.signin")
    sign_in(client, "Jo.Bloggs@example.org", "the-wrong-secret")
    [record] = [r for r in caplog.records if r.name == "accounts.signin"]
    line = record.getMessage()
    assert record.levelno == logging.WARNING
    assert email_fingerprint("jo.bloggs@example.org") in line
    assert "bloggs" not in line.lower()
    assert "the-wrong-secret" not in str(record.__dict__)


def test_the_logged_email_hash_is_keyed_by_the_secret_key_not_a_plain_sha256(client, caplog, settings):
    caplog.set_level(logging.INFO, logger="accounts.signin")
    for _ in range(2):
        sign_in(client, "Jo.Bloggs@example.org", "the-wrong-secret")
    first, second = [r.email_hash for r in caplog.records if r.name == "accounts.signin"]
    assert first == second  # one person's failed sign-ins can still be matched in the logs
    # Anyone could compute a plain hash of an address they guess, and match it across logs.
    assert first not in hashlib.sha256(b"jo.bloggs@example.org").hexdigest()
    settings.SECRET_KEY = "another-deployments-secret-key-" + "x" * 30
    assert email_fingerprint("jo.bloggs@example.org") != first


def test_a_sign_in_is_logged_with_the_users_id_only(client, caplog):
    caplog.set_level(logging.INFO, logger="accounts.signin")
    person = UserFactory()
    sign_in(client, person.email, PASSWORD)
    [record] = [r for r in caplog.records if r.name == "accounts.signin"]
    assert record.getMessage() == f"Signed in: user {person.pk}"
    assert person.email not in str(record.__dict__)


def test_setting_up_an_authenticator_app_shows_its_qr_code_after_the_password(client):
    person = UserFactory(is_staff=True)
    client.force_login(person)
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.status_code == 302
    assert asked.url.startswith(reverse("account_reauthenticate"))
    client.post(asked.url, {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, allowed by img-src data:


# Re-authentication and notices -------------------------------------------------------------


def test_adding_an_email_address_asks_for_the_password_first(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "second@example.org"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not person.emailaddress_set.filter(email="second@example.org").exists()


def test_changing_the_password_tells_the_owner_through_the_outbox(client, django_capture_on_commit_callbacks):
    person = UserFactory()
    sign_in_recently(client, person)
    new_password = "copper-kettle-87-violet"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
        )
    assert response.status_code == 302
    notice = OutboxEmail.objects.get(to=person.email)
    assert "password" in notice.subject.lower()
