"""The team's view of the annual programme report: who may see it and write its narrative."""

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.models import ReportNarrative
from tests.factories import UserFactory, directory_partner

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.mark.parametrize("who", ["signed out", "partner", "staff outside the team"])
def test_only_the_programme_team_may_write_the_narrative(client, who):
    if who != "signed out":
        client.force_login(UserFactory(is_staff=who == "staff outside the team"))
    response = client.post(reverse("team:report_year", args=[YEAR]), {"text": "Mine now."})
    assert response.status_code == (302 if who == "signed out" else 403)
    assert not ReportNarrative.objects.exists()


def test_the_team_writes_the_narrative_and_the_public_report_shows_it(client, programme_team_member):
    client.force_login(programme_team_member)
    response = client.post(reverse("team:report"), {"text": "A year of steady growth."})
    assert response.url == reverse("team:report_year", args=[YEAR])
    assert b"A year of steady growth." in client.get(reverse("directory:report")).content


def test_an_empty_narrative_is_explained_beside_the_field(client, programme_team_member):
    client.force_login(programme_team_member)
    response = client.post(reverse("team:report"), {"text": ""})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not ReportNarrative.objects.exists()


def test_the_team_sees_small_numbers_year_on_year(client, programme_team_member):
    for n in range(3):
        directory_partner(f"Small {n}")
    client.force_login(programme_team_member)
    for url in (reverse("team:report"), reverse("team:dashboard")):
        content = client.get(url).content.decode()
        assert f"compared with {YEAR - 1}" in content
        assert "fewer than 5</td>" not in content
