"""The database enforces the annual review's invariants, whatever the code above it does."""

import pytest
from django.db import IntegrityError, transaction

from reviews.models import Reminder
from tests.factories import ReviewCycleFactory

pytestmark = pytest.mark.django_db


def test_one_reminder_of_each_kind_per_cycle():
    cycle = ReviewCycleFactory()
    Reminder.objects.create(cycle=cycle, kind=Reminder.Kind.DUE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(cycle=cycle, kind=Reminder.Kind.DUE)
    Reminder.objects.create(cycle=cycle, kind=Reminder.Kind.OVERDUE)
    assert cycle.reminders.count() == 2
