"""The change-of-signatory pages: who may open them, bad input, and the journey through them."""

import pytest
from django.urls import reverse

from organisations.models import Membership
from pledges.models import Pledge, SignatoryChange
from pledges.services import leadership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def start_url(pledge):
    return reverse("pledges:change_signatory", args=[pledge.pk])


@pytest.fixture
def contact(pledge):
    return MembershipFactory(
        organisation=pledge.organisation, role=Membership.Role.CONTACT, user__name="Jo Newleader"
    ).user


@pytest.fixture
def change(pledge, contact):
    return leadership.start_signatory_change(pledge=pledge, by=pledge.created_by, new_signatory=contact)


def reaffirm_data(**overrides):
    return {
        "signatory_name": "Jo Newleader",
        "signatory_job_title": "Chief Executive",
        "signatory_role": "leader",
        "show_signatory": "True",
        "declaration_name": "Jo Newleader",
        **overrides,
    }


def test_every_change_of_signatory_page_asks_for_sign_in_and_hides_from_outsiders(client, pledge, change):
    urls = [start_url(pledge), leadership.reaffirm_path(change)]
    for url in urls:
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302 and response.url.startswith(reverse("account_login")), url
    for outsider in (UserFactory(), MembershipFactory().user, UserFactory(is_staff=True)):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404, url
            assert client.post(url, reaffirm_data()).status_code == 404, url
    # The old signatory may start a change, but only the person named may sign.
    client.force_login(pledge.created_by)
    assert client.get(start_url(pledge)).status_code == 200
    assert client.get(leadership.reaffirm_path(change)).status_code == 404
    change.refresh_from_db()
    assert change.status == SignatoryChange.Status.WAITING


def test_the_programme_team_may_start_a_change_from_the_pledge_page(
    client, pledge, contact, programme_team_member
):
    client.force_login(programme_team_member)
    assert start_url(pledge) in client.get(reverse("team:pledge", args=[pledge.pk])).content.decode()
    membership = Membership.objects.get(user=contact)
    response = client.post(start_url(pledge), {"new_signatory": membership.pk})
    assert response.status_code == 302
    assert response.url == reverse("team:pledge", args=[pledge.pk])
    assert SignatoryChange.objects.get().started_by == programme_team_member


def test_a_withdrawn_pledge_has_no_change_of_signatory_page(client, pledge):
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.WITHDRAWN)
    client.force_login(pledge.created_by)
    assert client.get(start_url(pledge)).status_code == 404


def test_choosing_nobody_is_explained(client, pledge):
    client.force_login(pledge.created_by)
    response = client.post(start_url(pledge), {})
    assert response.context["form"].errors == {"new_signatory": ["Choose the new signatory"]}


def test_the_new_signatory_reads_the_commitments_and_bad_input_is_explained_and_kept(
    client, pledge, contact, change
):
    client.force_login(contact)
    url = leadership.reaffirm_path(change)
    response = client.get(url)
    assert len(response.context["commitments"]) == pledge.version.commitments.count()
    for commitment in pledge.version.commitments.all():
        assert commitment.text.split()[0] in response.content.decode()
    response = client.post(
        url,
        reaffirm_data(
            signatory_role="authorised", declaration_name="Someone Else", signatory_job_title="Chair"
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"leader_name", "leader_job_title", "declaration_name"}
    assert b'value="Chair"' in response.content
    response = client.post(url, reaffirm_data())
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.signatory_name == "Jo Newleader"
    # The link, opened again, explains it is done.
    response = client.get(url)
    assert response.status_code == 302
