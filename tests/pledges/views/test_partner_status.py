"""'Your pledge': each pledge's status in plain words, and what to do next."""

import pytest
from django.urls import reverse

from pledges.models import Pledge
from tests.factories import PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db


def my_page(client, user):
    client.force_login(user)
    return client.get(reverse("pledges:my_pledges")).content.decode()


def test_a_draft_shows_as_not_yet_submitted_with_a_link_to_continue(client):
    pledge = PledgeFactory()
    page = my_page(client, pledge.created_by)
    assert "Not yet submitted" in page
    assert reverse("pledges:sign_continue", kwargs={"pk": pledge.pk}) in page


def test_a_submitted_pledge_says_it_is_waiting_for_review_and_cannot_be_changed(client):
    pledge = PledgeFactory(submitted=True)
    page = my_page(client, pledge.created_by)
    assert "Waiting for a decision" in page
    assert "You cannot change it while it is being checked" in page
    assert reverse("pledges:sign_continue", kwargs={"pk": pledge.pk}) not in page


def test_changes_requested_shows_the_teams_message_escaped_and_a_way_to_edit_and_resubmit(client):
    pledge = PledgeFactory(
        submitted=True,
        status=Pledge.Status.CHANGES_REQUESTED,
        changes_requested_message="Please <b>expand</b> action 2.",
    )
    page = my_page(client, pledge.created_by)
    assert "Please &lt;b&gt;expand&lt;/b&gt; action 2." in page
    assert "Edit and resubmit" in page
    assert reverse("pledges:sign_check", kwargs={"pk": pledge.pk}) in page


@pytest.mark.parametrize("status", Pledge.Status)
def test_the_partner_and_the_team_see_a_status_in_the_same_tag_colour(client, programme_team_member, status):
    pledge = PledgeFactory(submitted=status != Pledge.Status.DRAFT, approved=status != Pledge.Status.DRAFT)
    Pledge.objects.filter(pk=pledge.pk).update(status=status)
    tag = f'<strong class="nhsuk-tag nhsuk-tag--{Pledge.STATUS_TAG_COLOURS[status]}">'
    assert tag in my_page(client, pledge.created_by)
    client.force_login(programme_team_member)
    assert tag in client.get(reverse("team:pledge", args=[pledge.pk])).content.decode()


def test_your_pledge_uses_the_same_number_of_queries_for_one_pledge_or_many(
    client, django_assert_max_num_queries
):
    user = UserFactory()
    PledgeFactory(created_by=user)
    client.force_login(user)
    with django_assert_max_num_queries(10) as one:
        client.get(reverse("pledges:my_pledges"))
    for status in ("submitted", "changes_requested", "rejected"):
        PledgeFactory(created_by=user, status=status)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("pledges:my_pledges"))
