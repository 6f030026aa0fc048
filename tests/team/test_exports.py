"""Evaluation exports: streamed, RFC 4180 CSV that round-trips, with spreadsheet formulas defused."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from pledges.models import Commitment
from pledges.services import decisions
from tests.factories import OrganisationFactory, PledgeFactory, bulk_pledges

pytestmark = pytest.mark.django_db


def download(client, name):
    response = client.get(reverse(f"team:export_{name}"))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{name}-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return text, list(csv.reader(io.StringIO(text, newline="")))


def test_a_name_with_comma_and_quote_and_an_action_with_a_newline_round_trip(client, programme_team_member):
    # A name is one line (pledge_portal.names); an action's description may run over several.
    name = 'Bristol "Safe Spaces", Ltd'
    pledge = PledgeFactory(organisation=OrganisationFactory(name=name, slug="safe-spaces"), approved=True)
    pledge.actions.filter(number=1).update(description="First, listen.\nThen act.")
    client.force_login(programme_team_member)
    text, rows = download(client, "partners")
    assert rows[1][1] == name
    assert '"Bristol ""Safe Spaces"", Ltd"' in text
    assert text.endswith("\r\n")
    text, rows = download(client, "actions")
    assert any("First, listen.\nThen act." in row for row in rows)
    assert '"First, listen.\nThen act."' in text


def test_a_partner_typed_formula_is_defused_in_the_download(client, programme_team_member):
    PledgeFactory(organisation=OrganisationFactory(name='=HYPERLINK("http://x")', slug="x"), approved=True)
    client.force_login(programme_team_member)
    _text, rows = download(client, "partners")
    assert rows[1][1] == '\'=HYPERLINK("http://x")'


def test_the_partners_export_lists_each_pledge_sent_to_the_team_but_no_drafts(client, programme_team_member):
    approved = PledgeFactory(approved=True)
    PledgeFactory()  # a draft: not for evaluation
    client.force_login(programme_team_member)
    _text, rows = download(client, "partners")
    header, *body = rows
    assert header[0] == "Pledge reference"
    assert [row[0] for row in body] == [approved.reference]
    assert body[0][7] == "Approved"
    assert body[0][-1] == "1"


def test_the_actions_export_has_one_row_per_action_per_year(client, programme_team_member):
    pledge = PledgeFactory(approved=True)
    action = pledge.actions.first()
    action.commitments.set(Commitment.objects.filter(version=pledge.version, number__in=[1, 7]))
    action.progress = "in_progress"
    action.save()
    PledgeFactory(submitted=True)  # its actions are not in a year yet
    client.force_login(programme_team_member)
    _text, rows = download(client, "actions")
    header, *body = rows
    assert len(body) == 2
    first = dict(zip(header, body[0], strict=True))
    assert first["Year"] == "1"
    assert first["Theme"] == action.theme.name
    assert first["Commitments served"] == "1. Understanding trauma and adversity; 7. Evaluation and learning"
    assert first["Progress"] == "In progress"
    assert first["Pledge status"] == "Approved"


def test_the_decisions_export_lists_events_but_never_internal_notes(client, programme_team_member):
    pledge = PledgeFactory(submitted=True)
    decisions.request_changes(pledge=pledge, by=programme_team_member, message="-Please add your leader")
    decisions.add_internal_note(pledge=pledge, by=programme_team_member, note="Private")
    client.force_login(programme_team_member)
    text, rows = download(client, "decisions")
    header, *body = rows
    assert len(body) == 1
    decision = dict(zip(header, body[0], strict=True))
    assert decision["Event"] == "Changes requested"
    assert (decision["From"], decision["To"]) == ("Waiting for review", "Changes requested")
    assert decision["By"] == programme_team_member.email
    assert decision["Note"] == "'-Please add your leader"
    assert "Private" not in text


@pytest.mark.parametrize("size", [2, 40])
def test_exports_keep_a_constant_number_of_queries(
    client, programme_team_member, django_assert_max_num_queries, size
):
    bulk_pledges(size, approved=True)
    client.force_login(programme_team_member)
    for name in ("partners", "actions", "decisions"):
        with django_assert_max_num_queries(8) as queries:
            download(client, name)
        print(f"{name} export with {size} approved pledges: {len(queries)} queries")
