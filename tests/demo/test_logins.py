"""The demo's named logins: made by the seed, printed by `make run`, listed on the sign-in page (development).

One seeded demo serves the whole module; tests that need no demo are in test_seed.py and test_backends.py.
"""

import re

import pytest
from django.core.management import call_command

from demo.logins import DEMO_PASSWORD, LOGINS, listed_logins
from demo.models import DemoAccount
from organisations.models import Membership
from pledges.models import Pledge

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for this module (in a transaction rolled back at its end)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("seed_demo")
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def membership(email):
    return Membership.objects.select_related("organisation").get(user__email=email)


def test_the_seed_makes_every_named_login_and_marks_each_account_it_made(seeded):
    assert listed_logins() == LOGINS
    assert (
        not DemoAccount.objects.exclude(user__email__in=[e for _, e in LOGINS])
        .filter(user__memberships__isnull=True, user__groups__isnull=True)
        .exists()
    )


def test_each_named_login_has_what_its_role_says(seeded):
    team, signatory, contact, drafter = [email for _, email in LOGINS]
    from accounts.models import User

    assert User.objects.get(email=team).is_programme_team
    signed = membership(signatory)
    assert signed.role == Membership.Role.SIGNATORY
    pledge = Pledge.objects.filter(organisation=signed.organisation).latest("pk")
    assert pledge.status == Pledge.Status.APPROVED
    assert pledge.open_cycle is not None
    assert membership(contact).role == Membership.Role.CONTACT
    assert membership(contact).organisation == signed.organisation
    assert Pledge.objects.get(organisation=membership(drafter).organisation).status == Pledge.Status.DRAFT


def test_the_logins_command_prints_each_login_and_the_password(seeded, capsys, settings):
    settings.DEBUG = True
    call_command("demo_logins")
    printed = capsys.readouterr().out
    assert DEMO_PASSWORD in printed
    for role, email in LOGINS:
        assert re.search(rf"{re.escape(email)} +{re.escape(role)}", printed)


def test_the_sign_in_page_lists_the_demo_accounts_in_development_only(seeded, client, settings):
    settings.DEBUG = True
    page = client.get(LOGIN).content.decode()
    assert "Demo accounts" in page
    assert DEMO_PASSWORD in page
    assert all(email in page for _, email in LOGINS)
    settings.DEBUG = False
    page = client.get(LOGIN).content.decode()
    assert "Demo accounts" not in page
    assert DEMO_PASSWORD not in page
