"""Open data: the JSON and CSV files' schema and quoting, and their CORS and caching headers."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse

from directory import services
from organisations.models import Organisation
from tests.factories import directory_partner
from tests.support.directory import file_body

pytestmark = pytest.mark.django_db

JSON = reverse("directory:partners_json")
CSV = reverse("directory:partners_csv")
ACTIONS_CSV = reverse("directory:actions_csv")
OPEN_DATA_FILES = [JSON, CSV, ACTIONS_CSV]


@pytest.fixture
def two_partners():
    directory_partner(
        "Avon Housing",
        sector=Organisation.Sector.HOUSING,
        kind=Organisation.Kind.SERVICE,
        areas=["bristol", "south-gloucestershire"],
        signed_on=datetime.date(2025, 4, 3),
        show_signatory=True,
        signatory_name="Jo Bloggs",
        signatory_job_title="Director",
    )
    directory_partner('Smith, "Jones" & Co Trading', show_actions=False)
    return services.build_directory()


def test_partners_json_has_every_documented_field_with_its_type(client, settings, two_partners):
    data = json.loads(file_body(client.get(JSON)))
    assert set(data) == {"updated", "count", "partners"}
    assert data["count"] == 2
    datetime.datetime.fromisoformat(data["updated"])
    avon = data["partners"][0]
    assert avon == {
        "name": "Avon Housing",
        "slug": "avon-housing",
        "url": f"{settings.SITE_URL}/partners/avon-housing/",
        "kind": "service",
        "sector": "housing",
        "areas": ["Bristol", "South Gloucestershire"],
        "website": "https://www.avon-housing.org.uk",
        "signed_on": "2025-04-03",
        "pledge_version": 1,
        "logo_url": avon["logo_url"],
        "signatory": {"name": "Jo Bloggs", "job_title": "Director"},
        "actions": avon["actions"],
    }
    assert avon["logo_url"] is None  # no logo uploaded
    assert [set(action) for action in avon["actions"]] == [
        {"cycle", "number", "title", "theme", "status"}
    ] * 2
    for action in avon["actions"]:
        assert isinstance(action["cycle"], int)
        assert isinstance(action["number"], int)
        assert isinstance(action["title"], str)
        assert isinstance(action["theme"], str)
        assert action["status"] == "current"
    private = data["partners"][1]
    assert private["actions"] == []
    assert private["signatory"] is None


def test_csv_files_have_their_header_and_rfc_4180_quoting(client, two_partners):
    body = file_body(client.get(CSV)).decode()
    assert body.startswith(
        "name,slug,url,kind,sector,areas,website,signed_on,pledge_version,logo_url,"
        "signatory_name,signatory_job_title\r\n"
    )
    assert '"Smith, ""Jones"" & Co Trading"' in body
    assert body.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert [row["name"] for row in rows] == ["Avon Housing", 'Smith, "Jones" & Co Trading']
    assert rows[0]["areas"] == "Bristol;South Gloucestershire"
    assert rows[0]["signed_on"] == "2025-04-03"
    assert rows[1]["signatory_name"] == ""

    actions = file_body(client.get(ACTIONS_CSV)).decode()
    assert actions.startswith("partner_name,partner_slug,partner_url,cycle,number,title,theme,status\r\n")
    action_rows = list(csv.DictReader(io.StringIO(actions, newline="")))
    assert {row["partner_name"] for row in action_rows} == {"Avon Housing"}
    assert [row["number"] for row in action_rows] == ["1", "2"]


def test_csv_cells_that_look_like_formulas_are_defused(client):
    directory_partner("=HYPERLINK(evil)")
    services.build_directory()
    rows = list(csv.reader(io.StringIO(file_body(client.get(CSV)).decode(), newline="")))
    assert rows[1][0] == "'=HYPERLINK(evil)"


@pytest.mark.parametrize("path", OPEN_DATA_FILES)
def test_open_data_allows_cross_origin_reads_and_caching(client, two_partners, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"] == f'"{two_partners.content_hash}"'
    assert response["Last-Modified"]
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]


@pytest.mark.parametrize("path", OPEN_DATA_FILES)
def test_open_data_answers_304_when_nothing_has_changed(client, two_partners, path):
    first = client.get(path)
    services.build_directory()  # a rebuild with nothing new keeps the same ETag and date
    again = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["Access-Control-Allow-Origin"] == "*"
    by_date = client.get(path, headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_date.status_code == 304


def test_open_data_changes_its_etag_when_a_partner_joins(client, two_partners):
    first = client.get(JSON)
    directory_partner("New Partner")
    services.build_directory()
    response = client.get(JSON, headers={"If-None-Match": first["ETag"]})
    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    assert json.loads(file_body(response))["count"] == 3


def test_content_types_suit_json_and_csv(client, two_partners):
    assert client.get(JSON)["Content-Type"] == "application/json"
    assert client.get(CSV)["Content-Type"] == "text/csv; charset=utf-8"
    assert client.head(CSV).status_code == 200
    assert client.post(CSV).status_code == 405


def test_the_open_data_page_documents_every_field(client, two_partners):
    response = client.get(reverse("directory:open_data"))
    html = response.content.decode()
    assert response.status_code == 200
    json_fields = ["name", "slug", "url", "kind", "sector", "areas", "website", "signed_on", "actions"]
    for field in [*json_fields, "pledge_version", "logo_url", "signatory"]:
        assert f"<code>{field}</code>" in html
    assert "signatory_name, signatory_job_title</code>" in html
    for path in OPEN_DATA_FILES:
        assert f'href="{path}"' in html
