"""With DEBUG off, the demo seed's accounts are a system check error, refused at start."""

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from demo.models import DemoAccount
from pledge_portal.startup import REFUSED_AT_START, refuse_to_start_on_errors
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def refusals():
    return [m.id for m in checks.run_checks(tags=[REFUSED_AT_START], include_deployment_checks=True)]


def test_with_debug_off_a_demo_account_is_an_error_and_the_portal_refuses_to_start(settings):
    settings.DEBUG = False
    DemoAccount.objects.create(user=UserFactory())
    assert refusals() == ["demo.E001"]
    with pytest.raises(ImproperlyConfigured, match=r"demo\.E001"):
        refuse_to_start_on_errors()


def test_with_debug_on_demo_accounts_are_what_the_demo_is_for(settings):
    settings.DEBUG = True
    DemoAccount.objects.create(user=UserFactory())
    assert refusals() == []
    refuse_to_start_on_errors()


def test_without_demo_accounts_production_starts(settings):
    settings.DEBUG = False
    UserFactory()
    assert refusals() == []
    refuse_to_start_on_errors()
