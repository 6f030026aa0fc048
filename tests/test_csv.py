"""Spreadsheet-safe CSV: one line writer and one formula rule, and the team's exports and the public open
data both follow them."""

import csv
import io

import pytest
from django.urls import reverse

from directory import services
from pledge_portal.csv import csv_line, csv_lines, defuse_formula
from tests.factories import directory_partner
from tests.support.directory import file_body

FORMULAS = ["=SUM(A1:A2)", "+44 117", "-1+1", "@cmd", "\tindent", "\rreturn"]


@pytest.mark.parametrize("value", FORMULAS)
def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(value):
    assert defuse_formula(value) == f"'{value}"


@pytest.mark.parametrize("value", ["Bristol", "", "email@example.org", 5, -3])
def test_other_cells_are_left_as_they_are(value):
    assert defuse_formula(value) == value


def test_a_missing_value_is_an_empty_cell():
    assert defuse_formula(None) == ""


def test_a_line_is_rfc_4180_with_a_crlf_ending_and_quotes_only_where_needed():
    line = csv_line(["Bristol Mind", 'Says "hello", twice', "two\nlines", 5, None])
    assert line == 'Bristol Mind,"Says ""hello"", twice","two\nlines",5,\r\n'


def test_every_cell_of_a_line_is_defused():
    assert csv_line(["=SUM(A1:A2)", "@cmd"]) == "'=SUM(A1:A2),'@cmd\r\n"


def test_several_lines_are_the_lines_one_after_another():
    assert csv_lines([["a", "b"], ["=c", "d"]]) == "a,b\r\n'=c,d\r\n"
    assert csv_lines([]) == ""


def rows(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMULAS[:4])
def test_the_team_export_and_the_open_data_defuse_a_name_the_same_way(client, programme_team_member, name):
    directory_partner(name)
    services.build_directory()
    open_data = rows(file_body(client.get(reverse("directory:partners_csv"))))
    client.force_login(programme_team_member)
    export = rows(b"".join(client.get(reverse("team:export_partners")).streaming_content))
    assert open_data[1][0] == export[1][1] == f"'{name}"
