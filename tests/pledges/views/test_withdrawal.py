"""A partner withdrawing its own approved pledge from "Your pledge": members only, confirmed, POST only."""

import pytest
from django.urls import reverse

from outbox.models import OutboxEmail
from pledges.models import Pledge, PledgeEvent
from tests.factories import MembershipFactory, PledgeFactory, UserFactory
from tests.support.signing_in import sign_in_recently

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # every UserFactory user's


def url(pledge):
    return reverse("pledges:withdraw_own_pledge", args=[pledge.pk])


def test_your_pledge_offers_withdrawal_for_an_approved_pledge_only(client, pledge):
    waiting = PledgeFactory(submitted=True, created_by=pledge.created_by)
    client.force_login(pledge.created_by)
    page = client.get(reverse("pledges:my_pledges")).content.decode()
    assert url(pledge) in page
    assert url(waiting) not in page


def test_the_confirm_page_says_what_happens_and_changes_nothing(client, pledge):
    client.force_login(pledge.created_by)
    response = client.get(url(pledge))
    assert response.status_code == 200
    assert "leaves the public list of partners" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED


def test_a_member_withdraws_with_a_reason(client, pledge, django_capture_on_commit_callbacks):
    contact = MembershipFactory(organisation=pledge.organisation, role="contact").user
    sign_in_recently(client, contact)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(pledge), {"reason": "We are closing in March."})
    assert response.status_code == 302
    assert response.url == reverse("pledges:my_pledges")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.WITHDRAWN
    event = PledgeEvent.objects.get(pledge=pledge, kind=PledgeEvent.Kind.WITHDRAWN)
    assert (event.actor, event.note) == (contact, "We are closing in March.")


def test_a_reason_is_required_and_nothing_changes_without_one(client, pledge):
    sign_in_recently(client, pledge.created_by)
    response = client.post(url(pledge), {"reason": ""})
    assert response.status_code == 200
    assert "Say why the pledge is being withdrawn" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED
    assert not OutboxEmail.objects.exists()


def test_someone_outside_the_organisation_gets_not_found(client, pledge):
    sign_in_recently(client, UserFactory())
    assert client.get(url(pledge)).status_code == 404
    assert client.post(url(pledge), {"reason": "Mischief"}).status_code == 404
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED


def test_signing_in_is_required(client, pledge):
    response = client.post(url(pledge), {"reason": "Mischief"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_pledge_not_yet_approved_cannot_be_withdrawn_here(client):
    pledge = PledgeFactory(submitted=True)
    sign_in_recently(client, pledge.created_by)
    assert client.get(url(pledge)).status_code == 302
    client.post(url(pledge), {"reason": "Changed our minds"}, follow=True)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED


def test_withdrawing_asks_for_the_password_first_then_withdraws_with_the_reason_given(
    client, pledge, django_capture_on_commit_callbacks
):
    client.force_login(pledge.created_by)  # signed in, but not just now
    response = client.post(url(pledge), {"reason": "We are closing in March."})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(response.url, {"password": PASSWORD})
    assert confirmed.status_code == 302
    assert confirmed.url == reverse("pledges:my_pledges")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.WITHDRAWN
    assert (
        PledgeEvent.objects.get(pledge=pledge, kind=PledgeEvent.Kind.WITHDRAWN).note
        == "We are closing in March."
    )


def test_a_wrong_password_withdraws_nothing(client, pledge):
    client.force_login(pledge.created_by)
    response = client.post(url(pledge), {"reason": "Mischief"})
    refused = client.post(response.url, {"password": "not-the-password"})
    assert refused.status_code == 200
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED


def test_a_form_sent_back_after_the_password_check_posts_to_the_withdrawal_page_again(client, pledge):
    client.force_login(pledge.created_by)
    asked = client.post(url(pledge), {"reason": ""})
    page = client.post(asked.url, {"password": PASSWORD}).content.decode()
    assert "Say why the pledge is being withdrawn" in page
    assert f'action="{url(pledge)}"' in page
