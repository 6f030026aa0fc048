"""Every email allauth sends with this configuration reaches a real SMTP server, and its links work."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory
from tests.support.delivery import delivered_to
from tests.support.links import assert_links_open, site_path
from tests.support.signing_in import sign_in_recently

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
NEW_PASSWORD = "a-brand-new-test-password"


def sign_up(client, email):
    return client.post(
        reverse("account_signup"),
        {"name": "Priya Shah", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def signs_in(client, email, password):
    client.logout()
    client.post(reverse("account_login"), {"login": email, "password": password})
    return "_auth_user_id" in client.session


def test_signing_up_emails_a_link_that_confirms_the_address_and_signs_the_person_in(
    client, smtp_server, send_on_commit
):
    with send_on_commit():
        sign_up(client, "new.leader@example.org")

    received, _ = delivered_to(smtp_server, "new.leader@example.org")
    assert received["Subject"] == "Confirm your email address"
    assert "created an account with new.leader@example.org on the Trauma-Informed Pledge" in received.text
    (link,) = assert_links_open(client, received.text)
    assert "/accounts/confirm-email/" in link
    client.post(site_path(link))
    assert EmailAddress.objects.get(email="new.leader@example.org").verified
    assert client.get(reverse("pledges:my_pledges")).status_code == 200


def test_signing_in_before_confirming_emails_a_fresh_link_that_confirms_the_address(
    client, smtp_server, send_on_commit
):
    user = UserFactory(email="late.confirmer@example.org", verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    with send_on_commit():
        response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.url == reverse("account_email_verification_sent")

    received, _ = delivered_to(smtp_server, "late.confirmer@example.org")
    assert received["Subject"] == "Confirm your email address"
    assert "asked to confirm late.confirmer@example.org as the email address of an account" in received.text
    (link,) = assert_links_open(client, received.text)
    client.post(site_path(link))
    assert EmailAddress.objects.get(email=user.email).verified
    assert signs_in(client, user.email, PASSWORD)


def test_adding_an_email_address_emails_it_a_link_that_confirms_it(client, smtp_server, send_on_commit):
    user = UserFactory(email="first.address@example.org")
    sign_in_recently(client, user)  # adding an address asks for the password first

    with send_on_commit():
        client.post(reverse("account_email"), {"email": "second.address@example.org", "action_add": ""})

    received, _ = delivered_to(smtp_server, "second.address@example.org")
    assert received["Subject"] == "Confirm your email address"
    assert "asked to confirm second.address@example.org as the email address of an account" in received.text
    (link,) = assert_links_open(client, received.text)
    client.post(site_path(link))
    assert EmailAddress.objects.get(email="second.address@example.org", user=user).verified


def test_signing_up_with_an_address_that_has_an_account_emails_its_owner_how_to_sign_in(
    client, smtp_server, send_on_commit
):
    UserFactory(email="chair@example.org")

    with send_on_commit():
        sign_up(client, "chair@example.org")

    assert User.objects.count() == 1
    received, _ = delivered_to(smtp_server, "chair@example.org")
    assert received["Subject"] == "You already have an account"
    assert "There is already an account with this email address" in received.text
    links = assert_links_open(client, received.text)
    paths = [site_path(link) for link in links]
    assert paths == [reverse("account_login"), reverse("account_reset_password")]


def test_asking_for_a_new_password_emails_a_link_that_sets_one(client, smtp_server, send_on_commit):
    UserFactory(email="chair@example.org")

    with send_on_commit():
        client.post(reverse("account_reset_password"), {"email": "chair@example.org"})

    received, _ = delivered_to(smtp_server, "chair@example.org")
    assert received["Subject"] == "Reset your password"
    assert "Open this link to set a new password" in received.text
    (link,) = assert_links_open(client, received.text)
    # The link keeps its key in the session and moves on to the new-password form.
    form_url = client.get(site_path(link), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.url == reverse("account_reset_password_from_key_done")
    assert signs_in(client, "chair@example.org", NEW_PASSWORD)


def test_asking_for_a_new_password_for_an_unknown_address_emails_a_link_to_create_an_account(
    client, smtp_server, send_on_commit
):
    with send_on_commit():
        client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    received, _ = delivered_to(smtp_server, "nobody@example.org")
    assert received["Subject"] == "There is no account with this email address"
    assert "There is no account with this email address" in received.text
    (link,) = assert_links_open(client, received.text)
    assert site_path(link) == reverse("account_signup")
