"""The demo data: realistic partners in every status, and safe to load twice."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.logins import listed_logins
from demo.models import DemoAccount
from organisations.models import Organisation
from outbox.models import OutboxEmail
from pledges.models import Pledge, PledgeEvent, PledgeVersion, ReviewCycle
from reviews.models import Reminder
from team.dashboard import median_days_to_decision
from tests.factories import UserFactory

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


def test_seed_demo_has_review_history_and_reviews_due_soon_and_overdue():
    call_command("seed_demo")
    today = timezone.localdate()
    assert ReviewCycle.objects.reviewed().exists()
    assert ReviewCycle.objects.overdue(on=today).exists()
    assert ReviewCycle.objects.due_soon(on=today).exists()


def test_seed_demo_records_a_decision_event_for_every_decided_pledge():
    call_command("seed_demo")
    decided = Pledge.objects.exclude(status__in=[Pledge.Status.DRAFT, Pledge.Status.SUBMITTED])
    assert decided.count() >= 20
    for pledge in decided:
        assert pledge.events.filter(kind__in=PledgeEvent.DECISION_KINDS).exists(), pledge


def test_seed_demo_fills_the_dashboards_median_days_to_decision():
    call_command("seed_demo")
    assert isinstance(median_days_to_decision(), float)


def test_seed_demo_has_reminders_and_leaves_no_email_waiting_to_be_sent():
    call_command("seed_demo")
    assert set(Reminder.objects.values_list("kind", flat=True)) == set(Reminder.Kind.values)
    assert OutboxEmail.objects.exists()
    assert not OutboxEmail.objects.unsent().exists()


def test_seed_demo_gives_the_library_shown_progress():
    from directory import services
    from directory.build import CURRENT, REVIEWED

    call_command("seed_demo")
    library = services.build_directory().library
    with_progress = library.exclude(progress__in=[CURRENT, REVIEWED])
    assert with_progress.count() >= 4
    assert not with_progress.filter(what_helped="").exists()


def test_seed_demo_has_a_version_2_of_the_pledge_in_draft():
    call_command("seed_demo")
    draft = PledgeVersion.objects.draft()
    assert draft.number == 2
    assert draft.commitments.count() == 9
    assert PledgeVersion.objects.current().number == 1


def test_seed_demo_has_a_partner_due_to_lapse_a_lapsed_one_and_one_that_changed_its_name():
    call_command("seed_demo")
    today = timezone.localdate()
    due = list(Reminder.cycles_due_to_lapse(on=today).values_list("pledge__organisation__name", flat=True))
    assert due == ["Kingswood Family Hub"]
    lapsed = Pledge.objects.get(status=Pledge.Status.LAPSED)
    assert lapsed.events.get(kind=PledgeEvent.Kind.LAPSED).actor.is_programme_team
    renamed = Organisation.objects.get(name="Curo Homes and Communities")
    assert list(renamed.old_slugs.values_list("slug", flat=True)) == ["curo-housing"]
    assert renamed.name_changes.get().status == "approved"


def test_seed_demo_has_a_partner_whose_leader_moved_on():
    call_command("seed_demo")
    pledge = Pledge.objects.get(organisation__name="Bristol Mind")
    assert pledge.signatory_name == "Morgan Ellis"
    event = pledge.events.get(kind=PledgeEvent.Kind.SIGNATORY_CHANGED)
    assert "Alex Leader" in event.note and "Morgan Ellis" in event.note


def test_an_account_that_was_there_before_the_seed_is_not_made_a_demo_account():
    user = UserFactory(email="sam.okafor@example.org")
    call_command("seed_demo")
    assert not DemoAccount.objects.filter(user=user).exists()
    assert ("Programme team", user.email) not in listed_logins()
