"""The demo data: realistic partners in every status, and safe to load twice."""

import pytest
from django.core.management import call_command

from organisations.models import Organisation
from pledges.models import Pledge

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_about_thirty_partners_with_pledges_in_every_status():
    call_command("seed_demo")
    assert 25 <= Organisation.objects.count() <= 35
    assert set(Pledge.objects.values_list("status", flat=True)) == set(Pledge.Status.values)


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    counts = Organisation.objects.count(), Pledge.objects.count()
    call_command("seed_demo")
    assert (Organisation.objects.count(), Pledge.objects.count()) == counts


def test_seed_demo_if_empty_leaves_existing_data_alone():
    Organisation.objects.create(name="Existing partner", slug="existing-partner", sector="other")
    call_command("seed_demo", if_empty=True)
    assert Organisation.objects.count() == 1
