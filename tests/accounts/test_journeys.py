"""Sign-up, confirmation, sign-in and password reset never dead-end: the person's name is asked for, the
link can be sent again, and every journey lands where the person was going."""

import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
NEW_PASSWORD = "a-brand-new-test-password"
ORGANISATION_STEP = "/pledge/sign/organisation/"


def sign_up(client, email="new.leader@example.org", next_url=None, **fields):
    data = {"name": "Priya Shah", "email": email, "password1": PASSWORD, "password2": PASSWORD, **fields}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("account_signup"), data)


def link_in_last_email(pattern):
    return re.search(rf"https?://\S+{pattern}\S*", mail.outbox[-1].body).group(0)


def path_of(link):
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def sign_in(client, email, password=PASSWORD, next_url=None):
    data = {"login": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("account_login"), data)


# The name -------------------------------------------------------------------------------------


def test_sign_up_records_the_full_name(client, send_on_commit):
    with send_on_commit():
        sign_up(client, name="  Priya Shah ")
    assert User.objects.get(email="new.leader@example.org").name == "Priya Shah"


def test_sign_up_without_a_name_says_so_beside_the_field_and_keeps_the_email(client):
    response = sign_up(client, name="")
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["Enter your full name"]
    assert 'value="new.leader@example.org"' in response.text
    assert not User.objects.exists()


def test_sign_up_refuses_a_name_with_control_characters_beside_the_field(client):
    response = sign_up(client, name="Priya\x01 Shah")
    assert "control characters" in response.context["form"].errors["name"][0]
    assert not User.objects.exists()


def test_an_account_without_a_name_is_asked_once_then_goes_where_it_was_going(client):
    UserFactory(email="old.account@example.org", name="")
    response = sign_in(client, "old.account@example.org", next_url="/my/reviews/1/")
    assert response.url == reverse("accounts:name") + "?next=%2Fmy%2Freviews%2F1%2F"

    page = client.get(response.url)
    assert "What is your name?" in page.text
    blank = client.post(response.url, {"name": " "})
    assert blank.context["form"].errors["name"] == ["Enter your full name"]
    saved = client.post(response.url, {"name": "Sam Jones"})
    assert saved.url == "/my/reviews/1/"
    assert User.objects.get(email="old.account@example.org").name == "Sam Jones"

    client.logout()
    assert sign_in(client, "old.account@example.org").url == "/my/"  # not asked again


def test_the_name_page_sends_someone_with_a_name_straight_on(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:name")).url == "/my/"


def test_the_name_page_needs_signing_in(client):
    response = client.get(reverse("accounts:name"))
    assert response.url.startswith(reverse("account_login"))


def test_the_team_sees_a_name_and_an_address_but_never_the_address_twice():
    assert UserFactory(name="Priya Shah", email="head2@example.org").name_and_email == (
        "Priya Shah (head2@example.org)"
    )
    assert UserFactory(name="", email="head3@example.org").name_and_email == "head3@example.org"


# Landing after sign-in ------------------------------------------------------------------------


def test_the_programme_team_lands_on_the_queue_and_partners_on_their_pledge(client, programme_team_member):
    assert sign_in(client, programme_team_member.email).url == reverse("team:queue")
    client.logout()
    assert sign_in(client, UserFactory().email).url == reverse("pledges:my_pledges")


def test_a_page_asked_for_wins_over_the_landing_page(client, programme_team_member):
    response = sign_in(client, programme_team_member.email, next_url="/team/dashboard/")
    assert response.url == "/team/dashboard/"


# "Check your email" and sending the link again ------------------------------------------------


def test_check_your_email_offers_to_send_the_link_again_and_sends_it(client, send_on_commit):
    with time_machine.travel("2030-01-01 10:00 +0000", tick=False), send_on_commit():
        sign_up(client)
    page = client.get(reverse("account_email_verification_sent"))
    assert "Send the link again" in page.text

    with time_machine.travel("2030-01-01 10:05 +0000", tick=False), send_on_commit():
        response = client.post(reverse("accounts:send_confirmation_again"), follow=True)
    assert len(mail.outbox) == 2
    assert "We have sent a new link to new.leader@example.org." in response.text


def test_a_rate_limited_resend_says_so_and_when_to_try_again(client, send_on_commit):
    with time_machine.travel("2030-01-01 10:00 +0000", tick=False), send_on_commit():
        sign_up(client)
    with time_machine.travel("2030-01-01 10:01 +0000", tick=False), send_on_commit():
        response = client.post(reverse("accounts:send_confirmation_again"), follow=True)
    assert len(mail.outbox) == 1  # nothing claimed that was not sent
    assert "We have not sent another link yet" in response.text
    assert "You can ask for a new one from 10:03 (in 2 minutes)." in response.text
    assert "We have sent a new link" not in response.text


def test_sending_again_with_no_sign_up_waiting_asks_the_person_to_sign_in(client):
    response = client.post(reverse("accounts:send_confirmation_again"))
    assert response.url == reverse("account_login")


# Confirming on another device -----------------------------------------------------------------


def test_the_confirmation_link_carries_the_destination_to_another_device(client, send_on_commit):
    with send_on_commit():
        sign_up(client, next_url=ORGANISATION_STEP)
    link = link_in_last_email("/accounts/confirm-email/")
    assert "next=%2Fpledge%2Fsign%2Forganisation%2F" in link

    other_device = client.__class__()
    page = other_device.get(path_of(link))
    assert 'name="next" value="/pledge/sign/organisation/"' in page.text
    confirmed = other_device.post(path_of(link), {"next": ORGANISATION_STEP}, follow=True)
    # Not signed in there: to sign in, then on to the organisation step.
    sign_in_url = confirmed.redirect_chain[-1][0]
    assert sign_in_url == reverse("account_login") + "?next=/pledge/sign/organisation/"
    signed_in = sign_in(other_device, "new.leader@example.org", next_url=ORGANISATION_STEP)
    assert signed_in.url == ORGANISATION_STEP


def test_a_link_sent_again_still_carries_the_destination(client, send_on_commit):
    with time_machine.travel("2030-01-01 10:00 +0000", tick=False), send_on_commit():
        sign_up(client, next_url=ORGANISATION_STEP)
    with time_machine.travel("2030-01-01 10:05 +0000", tick=False), send_on_commit():
        client.post(reverse("accounts:send_confirmation_again"))
    assert "next=%2Fpledge%2Fsign%2Forganisation%2F" in link_in_last_email("/accounts/confirm-email/")


def test_a_destination_on_another_site_is_never_put_in_the_link(client, send_on_commit):
    with send_on_commit():
        sign_up(client, next_url="https://evil.example.com/")
    assert "next=" not in link_in_last_email("/accounts/confirm-email/")


# Password reset -------------------------------------------------------------------------------


def test_password_reset_from_a_reminder_link_lands_on_the_page_it_was_for(client, send_on_commit):
    UserFactory(email="chair@example.org")
    review = "/my/reviews/7/"
    sign_in_page = client.get(reverse("account_login") + f"?next={review}")
    assert 'href="/accounts/password/reset/?next=%2Fmy%2Freviews%2F7%2F">Forgotten your password?' in (
        sign_in_page.text
    )

    with send_on_commit():
        client.post(reverse("account_reset_password"), {"email": "chair@example.org", "next": review})
    link = link_in_last_email("/accounts/password/reset/key/")
    assert "next=%2Fmy%2Freviews%2F7%2F" in link

    form = client.get(path_of(link), follow=True)
    assert "Set a new password" in form.text
    assert 'name="next" value="/my/reviews/7/"' in form.text
    saved = client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert saved.url == review  # which asks them to sign in with the new password, then opens it
    assert sign_in(client, "chair@example.org", NEW_PASSWORD, next_url=review).url == review


def test_the_password_reset_pages_use_plain_words(client):
    page = client.get(reverse("account_reset_password"))
    assert "<h1" in page.text and "Reset your password</h1>" in page.text
    assert "Email address" in page.text
    broken = client.get(reverse("account_reset_password_from_key", args=["1", "not-a-key"]))
    assert "This link no longer works" in broken.text


def test_asking_for_a_reset_link_says_check_your_email_even_on_the_way_somewhere(client):
    UserFactory(email="chair@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "chair@example.org", "next": "/my/"})
    assert response.url == reverse("account_reset_password_done")
