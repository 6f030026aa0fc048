"""The batch form of a status change: one rule with change_status, all or nothing."""

import pytest
from django.db import transaction

from pledge_portal.errors import NotAllowed
from pledges.models import Pledge, PledgeEvent
from pledges.services.transitions import change_statuses
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db

LAPSE = {
    "to": Pledge.Status.LAPSED,
    "by": None,
    "kind": PledgeEvent.Kind.LAPSED,
    "allowed_from": (Pledge.Status.APPROVED,),
}


def test_a_batch_is_refused_whole_when_one_pledge_is_not_in_a_status_it_may_leave():
    approved, withdrawn = PledgeFactory(approved=True), PledgeFactory(approved=True)
    Pledge.objects.filter(pk=withdrawn.pk).update(status=Pledge.Status.WITHDRAWN)
    withdrawn.refresh_from_db()
    with pytest.raises(NotAllowed, match="withdrawn"):
        change_statuses(pledges={approved: "", withdrawn: ""}, **LAPSE)
    assert set(Pledge.objects.values_list("status", flat=True)) == {
        Pledge.Status.APPROVED,
        Pledge.Status.WITHDRAWN,
    }


def test_a_pledge_that_moved_since_it_was_read_refuses_the_batch_rather_than_moving_twice():
    first, second = PledgeFactory(approved=True), PledgeFactory(approved=True)
    Pledge.objects.filter(pk=second.pk).update(status=Pledge.Status.WITHDRAWN)
    # Callers lock the rows in a transaction, which the refusal rolls back.
    with pytest.raises(NotAllowed, match="changed meanwhile"), transaction.atomic():
        change_statuses(pledges={first: "", second: ""}, **LAPSE)
    first.refresh_from_db()
    assert first.status == Pledge.Status.APPROVED
    assert not PledgeEvent.objects.filter(kind=PledgeEvent.Kind.LAPSED).exists()
