"""The public annual programme report: figures only, small numbers hidden, in the page, its PDF and CSVs."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from organisations.models import Organisation
from pledges.models import ReviewCycle
from reviews.annual_report import build_report
from tests.factories import directory_partner

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def partners(db):
    for n in range(6):
        directory_partner(
            f"Health Partner {n}", sector=Organisation.Sector.NHS_HEALTH, signatory_name=f"Person {n}"
        )
    for n in range(2):
        directory_partner(f"Housing Partner {n}", sector=Organisation.Sector.HOUSING, show_actions=False)
    ReviewCycle.objects.filter(pledge__organisation__name="Health Partner 0").update(
        message_to_team="PRIVATE MESSAGE"
    )


def every_file(client):
    report = build_report(year=YEAR)
    paths = [
        reverse("directory:report"),
        reverse("directory:report_year", args=[YEAR]),
        *(reverse("directory:report_chart_csv", args=[YEAR, chart.slug]) for chart in report.charts),
    ]
    return b"".join(client.get(path).content for path in paths)


def pdf_text(client):
    response = client.get(reverse("directory:report_pdf", args=[YEAR]))
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_report_shows_figures_never_partners_or_people(client, partners):
    content = every_file(client) + pdf_text(client).encode()
    for secret in (b"Health Partner", b"Housing Partner", b"Person ", b"PRIVATE MESSAGE", b"@"):
        assert secret not in content, secret


def test_small_counts_show_as_fewer_than_five_in_the_page_the_csv_and_the_pdf(client, partners):
    page = client.get(reverse("directory:report")).content.decode()
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">6</td>' in page
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">fewer than 5</td>' in page
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">2</td>' not in page
    csv = client.get(
        reverse("directory:report_chart_csv", args=[YEAR, "partners-by-sector"])
    ).content.decode()
    assert "NHS and health,6,6\r\n" in csv
    assert "Housing,fewer than 5,fewer than 5\r\n" in csv
    text = pdf_text(client)
    assert "fewer than 5" in text
    assert f"Annual programme report {YEAR}" in text


def test_actions_count_only_where_partners_show_them(client, partners):
    csv = client.get(reverse("directory:report_chart_csv", args=[YEAR, "actions-by-theme"])).content.decode()
    # Six partners show two actions each; the two that do not show theirs are not counted.
    assert "Setting up an organisational trauma-informed steering group,12\r\n" in csv


def test_each_chart_states_its_headline_as_alt_text(client, partners):
    page = client.get(reverse("directory:report")).content.decode()
    assert 'role="img" aria-labelledby="partners-by-sector-title partners-by-sector-desc"' in page
    headline = "Partners by sector: the largest is NHS and health, with 6 partners."
    assert f'<desc id="partners-by-sector-desc">{headline}</desc>' in page
    assert page.count("<details") == len(build_report(year=YEAR).charts)


def test_a_year_with_no_report_is_not_found(client, partners):
    assert client.get(reverse("directory:report_year", args=[YEAR + 1])).status_code == 404
    assert client.get(reverse("directory:report_chart_csv", args=[YEAR, "nothing"])).status_code == 404
