"""Every email the portal can send, allauth's included, reads as a whole: no empty placeholder, no raw
template tag, and every link opens a page under SITE_URL.

The portal's own emails are rendered by driving the real services (the demo story sends nearly all of
them); allauth's by its real pages where a page sends one, and otherwise through the adapter with the
context allauth documents for that email.
"""

import datetime
import re
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.test.signals import template_rendered
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from organisations.services.contacts import invite_contact
from organisations.services.join_requests import answer_join_request, request_to_join
from outbox.models import OutboxEmail
from pledges.models import Pledge, PledgeVersion
from pledges.services import decisions, versions
from privacy.services import close_account
from reviews import lapsing
from reviews.models import Reminder
from tests.factories import MembershipFactory, PledgeFactory, UserFactory
from tests.support.links import links_in
from tests.support.signing_in import sign_in_recently

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
PASSWORD = "a-long-test-password"

# What a placeholder left empty looks like: "Hello from !", "an account on .", "( )", "address: " and
# nothing after it, or a tag that was never rendered.
EMPTY_PLACEHOLDERS = [
    (re.compile(r"\s[!.,;:)]"), "a space before punctuation (an empty value before it)"),
    (re.compile(r"\(\s*\)"), "empty brackets"),
    (re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}"), "a raw template tag"),
    (re.compile(r"\bNone\b"), "None"),
    (re.compile(r":[ \t]*(\n[ \t]*\n|\n?\Z)"), "nothing after a colon"),
]


def problems(text):
    return [why for pattern, why in EMPTY_PLACEHOLDERS if pattern.search(text)]


def assert_reads_whole(subject, body):
    assert subject.strip(), f"empty subject: {body[:80]!r}"
    assert subject[0].isupper(), subject
    assert not problems(subject), (subject, problems(subject))
    assert not problems(body), (subject, problems(body), body)
    for link in links_in(body):
        assert link.startswith(settings.SITE_URL + "/"), f"{link} is not under SITE_URL, in {subject!r}"
        path = link.removeprefix(settings.SITE_URL).split("?")[0].split("#")[0]
        try:
            resolve(path)
        except Resolver404:
            pytest.fail(f"{link} in {subject!r} opens no page")


def assert_sentence_case(subject):
    # Sentence case: after the first word, only names (a partner's, the programme's) are capitalised;
    # allauth's defaults ("Please Confirm Your Email Address") capitalise every word.
    words = re.findall(r"[A-Za-z]+", subject)
    assert not (len(words) > 2 and all(word[0].isupper() for word in words)), subject


@pytest.fixture
def rendered_templates():
    names = set()

    def record(sender, template, context, **kwargs):
        names.add(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def email_templates(folder):
    return {
        f"{folder}/{path.name}"
        for path in (TEMPLATES / folder).glob("*.txt")
        if not path.name.startswith("base_")
    }


def test_every_portal_email_reads_whole_and_links_to_the_portal(
    rendered_templates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
        # Those the demo's story does not tell: an invitation, a withdrawn pledge reinstated, a request to
        # join a partner and its answer, and the last person at an approved partner closing their account.
        membership = MembershipFactory()
        invite_contact(organisation=membership.organisation, email="new@example.org", by=membership.user)
        withdrawn = Pledge.objects.filter(status=Pledge.Status.WITHDRAWN).first()
        decisions.reinstate_pledge(pledge=withdrawn, by=UserFactory(is_superuser=True))
        join_request = request_to_join(organisation=membership.organisation, by=UserFactory(name="Sam Lee"))
        answer_join_request(join_request=join_request, by=membership.user, approve=True)
        close_account(user=PledgeFactory(approved=True).created_by)
        # The draft version 2 published: partners are invited to reaffirm it, then reminded.
        team_member = UserFactory(programme_team=True)
        version = versions.publish_version(
            version=PledgeVersion.objects.draft(), by=team_member, effective_on=timezone.localdate()
        )
        versions.invite_partners_to_reaffirm()
        versions.remind_partners_to_reaffirm(version=version, by=team_member)
        # The partner due to lapse is given more time.
        today = timezone.localdate()
        lapsing.give_more_time(
            cycle=Reminder.cycles_due_to_lapse(on=today).first(),
            by=team_member,
            until=today + datetime.timedelta(days=30),
            reason="A new leader has just started.",
        )

    assert email_templates("emails") <= rendered_templates, "some emails were never sent"
    emails = OutboxEmail.objects.all()
    assert emails.count() > 20
    for email in emails:
        assert_reads_whole(email.subject, email.body_text)
    for subject in set(emails.values_list("subject", flat=True)):
        assert_sentence_case(subject)


def sign_up(client, email):
    client.post(
        reverse("account_signup"),
        {"name": "Priya Shah", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def account_emails_sent_by_allauths_pages(client):
    UserFactory(email="has.account@example.org")
    sign_up(client, "new.leader@example.org")  # email_confirmation_signup
    client.logout()
    sign_up(client, "has.account@example.org")  # account_already_exists
    client.logout()
    sign_in_recently(client, UserFactory())  # adding an address asks for the password first
    # email_confirmation: an address added to an account
    client.post(reverse("account_email"), {"email": "second@example.org", "action_add": ""})
    client.logout()
    client.post(reverse("account_reset_password"), {"email": "has.account@example.org"})  # password_reset_key
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})  # unknown_account


def account_emails_sent_through_the_adapter():
    """The emails no page sends with today's settings: security notices (i10's ACCOUNT_EMAIL_NOTIFICATIONS)
    and codes, with the context allauth gives each."""
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Firefox on Windows")
    notice = {"timestamp": timezone.now(), "ip": "203.0.113.9", "user_agent": "Firefox on Windows"}
    emails = {
        "email_changed": {**notice, "from_email": "old@example.org", "to_email": "new@example.org"},
        "email_confirm": notice,
        "email_deleted": {**notice, "deleted_email": "old@example.org"},
        "password_changed": notice,
        "password_reset": notice,
        "password_set": notice,
        "login_code": {"code": "ABC123"},
        "password_reset_code": {"code": "ABC123"},
    }
    with allauth_context.request_context(request):
        for name, context in emails.items():
            get_adapter(request).send_mail(f"account/email/{name}", "priya@example.org", context)


def test_every_account_email_reads_whole_and_links_to_the_portal(
    client, rendered_templates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account_emails_sent_by_allauths_pages(client)
        account_emails_sent_through_the_adapter()

    assert email_templates("account/email") <= rendered_templates, "some account emails were never sent"
    emails = OutboxEmail.objects.all()
    for email in emails:
        assert_reads_whole(email.subject, email.body_text)
        assert_sentence_case(email.subject)
        assert settings.PROGRAMME_NAME in email.body_text
        assert "If this was not you" in email.body_text or "If you did not" in email.body_text, email.subject


def test_the_check_finds_the_empty_placeholders_allauth_sent_before():
    # The verification email as it read with allauth's context dropped.
    before = "Hello from !\n\nYou're receiving this email because user has given your email address to register an account on .\n\nThank you for using !\n"  # noqa: E501
    assert problems(before)
    assert problems("using email address:\n\nThanks")
    assert not problems("Open this link:\nhttps://example.org/\n")
