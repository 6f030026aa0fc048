"""What the team sees changed on a resubmitted pledge: the answers kept when they asked, against now."""

import pytest

from pledges.answers import answers_of, changes_since_request
from pledges.models import Pledge, PledgeEvent
from pledges.services import decisions, signing
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def test_asking_for_changes_keeps_the_answers_as_they_were(programme_team_member):
    pledge = PledgeFactory(submitted=True, signatory_job_title="Chair")
    event = decisions.request_changes(pledge=pledge, by=programme_team_member, message="Say who leads it.")
    event.refresh_from_db()
    assert event.answers == answers_of(pledge)
    assert event.answers["Signatory's job title"] == "Chair"
    assert event.answers["Action 2: title"] == pledge.actions.get(number=2).title


def test_a_resubmitted_pledge_shows_each_changed_answer_then_and_now(programme_team_member):
    pledge = PledgeFactory(submitted=True, signatory_job_title="Chair")
    decisions.request_changes(pledge=pledge, by=programme_team_member, message="Say who leads it.")
    assert changes_since_request(pledge) == []

    action = pledge.actions.get(number=2)
    signing.save_action(
        pledge=pledge,
        by=pledge.created_by,
        number=2,
        answers={
            "theme": action.theme,
            "title": "Led by our head of service",
            "description": action.description,
            "is_continuing": action.is_continuing,
            "commitments": list(action.commitments.all()),
            "target_date": action.target_date,
        },
    )
    Pledge.objects.filter(pk=pledge.pk).update(signatory_job_title="Chief Executive")
    pledge.refresh_from_db()
    assert changes_since_request(pledge) == [
        ("Signatory's job title", "Chair", "Chief Executive"),
        ("Action 2: title", action.title, "Led by our head of service"),
    ]


def test_a_pledge_never_sent_back_has_nothing_to_compare():
    pledge = PledgeFactory(submitted=True)
    # A request made before answers were kept has none to compare with.
    PledgeEvent.objects.create(pledge=pledge, kind=PledgeEvent.Kind.CHANGES_REQUESTED)
    assert changes_since_request(pledge) is None
