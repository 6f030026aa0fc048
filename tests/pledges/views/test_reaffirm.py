"""A partner's signatory reaffirms a new wording of the pledge on one page, and nobody else may."""

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.models import PledgeEvent, PledgeVersion
from pledges.services import versions
from tests.factories import MembershipFactory, PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(programme_team_member):
    return versions.start_draft_version(by=programme_team_member)


@pytest.fixture
def version_2(programme_team_member, send_on_commit, draft):
    with send_on_commit():
        return versions.publish_version(
            version=draft, by=programme_team_member, effective_on=timezone.localdate()
        )


def test_the_reaffirm_page_is_only_for_the_partners_signatory(client, programme_team_member, version_2):
    pledge = PledgeFactory(approved=True, version=PledgeVersion.objects.get(number=1))
    url = reverse("pledges:reaffirm", args=[pledge.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    contact = MembershipFactory(organisation=pledge.organisation, role="contact").user
    client.force_login(contact)
    assert client.get(url).status_code == 403
    assert client.post(url, {"declaration_name": contact.name}).status_code == 403
    for outsider in (UserFactory(), programme_team_member):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"declaration_name": outsider.name}).status_code == 404
    pledge.refresh_from_db()
    assert pledge.version.number == 1


def test_the_signatory_sees_the_invitation_and_reaffirms_on_one_page(client, programme_team_member, draft):
    pledge = PledgeFactory(approved=True)
    versions.publish_version(version=draft, by=programme_team_member, effective_on=timezone.localdate())
    signatory = pledge.created_by
    client.force_login(signatory)
    mine = client.get(reverse("pledges:my_pledges")).content.decode()
    url = reverse("pledges:reaffirm", args=[pledge.pk])
    assert f'href="{url}"' in mine

    page = client.get(url).content.decode()
    assert signatory.name in page
    for commitment in draft.commitments.all():
        assert commitment.text.replace("'", "&#x27;") in page

    response = client.post(url, {"declaration_name": "Not My Name"})
    assert response.status_code == 200
    assert "Type your full name exactly as it is on your account" in response.content.decode()
    assert "<title>Error:" in response.content.decode()

    response = client.post(url, {"declaration_name": signatory.name}, follow=True)
    assert "has reaffirmed version 2" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.version.number == 2
    assert pledge.events.filter(kind=PledgeEvent.Kind.REAFFIRMED, actor=signatory).count() == 1
    assert client.get(url).status_code == 302  # nothing left to reaffirm
