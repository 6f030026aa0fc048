"""The portal's shared form pieces: a yes-or-no question cleans to True or False, whatever its wording;
a reason is refused past its length in plain words; text fields refuse control characters."""

import datetime

import pytest
from django import forms
from django.template import Context, Template

from accounts.forms import NameForm
from organisations.forms import OrganisationForm
from pledge_portal.forms import DayMonthYearInput, PortalForm, reason_field, too_long, yes_no_field
from pledges.forms import ActionForm, WhatToShowForm
from reviews.forms import ShowProgressForm


class QuestionForm(PortalForm):
    answer = yes_no_field("Is it?", yes="It is", no="It is not", required_message="Say whether it is")


@pytest.mark.parametrize(("posted", "cleaned"), [("True", True), ("False", False)])
def test_a_yes_or_no_answer_cleans_to_true_or_false(posted, cleaned):
    form = QuestionForm({"answer": posted})
    assert form.is_valid()
    assert form.cleaned_data["answer"] is cleaned


def test_no_answer_is_refused_with_the_questions_own_message():
    form = QuestionForm({"answer": ""})
    assert not form.is_valid()
    assert form.errors["answer"] == ["Say whether it is"]


def test_another_answer_is_refused():
    assert not QuestionForm({"answer": "maybe"}).is_valid()


@pytest.mark.parametrize("saved", [True, False])
def test_the_saved_answer_is_checked_when_the_question_is_shown_again(saved):
    radios = QuestionForm(initial={"answer": saved})["answer"]
    assert [(radio.choice_label, radio.data["selected"]) for radio in radios] == [
        ("It is", saved),
        ("It is not", not saved),
    ]


@pytest.mark.parametrize(
    ("form", "name"),
    [
        (ActionForm, "is_continuing"),
        (WhatToShowForm, "show_actions"),
        (WhatToShowForm, "show_signatory"),
        (WhatToShowForm, "show_logo"),
        (ShowProgressForm, "show_progress"),
    ],
)
def test_every_yes_or_no_question_in_the_portal_uses_the_one_field(form, name):
    field = form.base_fields[name]
    assert [value for value, _label in field.choices] == [True, False]
    assert field.clean("True") is True
    assert field.clean("False") is False


class ReasonForm(PortalForm):
    reason = reason_field("Why?", noun="reason", max_length=4000, required_message="Say why")
    message = reason_field("Anything else? (optional)", noun="message", whose="Your", max_length=10, rows=5)


def test_a_reason_longer_than_its_limit_is_refused_with_the_limit_written_for_the_reader():
    form = ReasonForm({"reason": "x" * 4001, "message": "y" * 11})
    assert not form.is_valid()
    assert form.errors["reason"] == ["The reason must be 4,000 characters or fewer"]
    assert form.errors["message"] == ["Your message must be 10 characters or fewer"]


def test_an_answer_too_long_is_refused_with_its_limit_written_as_people_write_numbers():
    assert too_long("The title", 120) == "The title must be 120 characters or fewer"
    assert too_long("Your message", 5000) == "Your message must be 5,000 characters or fewer"


def test_a_reason_is_required_only_when_it_has_a_message_to_say_so():
    form = ReasonForm({"reason": "", "message": ""})
    assert not form.is_valid()
    assert form.errors == {"reason": ["Say why"]}


def test_a_reason_is_a_box_of_several_lines_that_may_hold_line_breaks():
    form = ReasonForm({"reason": "First line\r\nSecond line", "message": ""})
    assert form.is_valid(), form.errors
    assert form["reason"].field.widget.attrs["rows"] == 3
    assert form["message"].field.widget.attrs["rows"] == 5


class NoteForm(PortalForm):
    title = forms.CharField()
    note = forms.CharField(widget=forms.Textarea)
    email = forms.EmailField(required=False)


@pytest.mark.parametrize("character", ["\x01", "\x08", "\x1b", "\x7f", "\x85"])
def test_every_text_field_refuses_control_characters_with_a_message_beside_it(character):
    form = NoteForm({"title": f"Acme{character} Ltd", "note": "Fine", "email": ""})
    assert not form.is_valid()
    assert form.errors["title"] == [
        "Remove the hidden control characters from this answer. They may have come with text you pasted in."
    ]


def test_tabs_and_line_breaks_are_not_control_characters_to_refuse():
    form = NoteForm({"title": "Acme Ltd", "note": "First line\r\nSecond\tline", "email": ""})
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_an_organisation_name_with_a_control_character_is_refused_so_its_badge_stays_valid_xml():
    form = OrganisationForm({"name": "Riverside\x01 Housing"})
    assert not form.is_valid()
    assert "control characters" in form.errors["name"][0]


# Right-to-left and left-to-right overrides, embeddings, isolates and marks; then every kind of line break.
REORDERING_AND_LINE_BREAKS = [
    *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
    *"\r\n\u2028\u2029",  # and NEL (U+0085), refused as a control character
]


@pytest.mark.parametrize("character", REORDERING_AND_LINE_BREAKS)
def test_a_one_line_answer_refuses_characters_that_reorder_text_or_break_the_line(character):
    form = NoteForm({"title": f"Acme{character} Ltd", "note": "Fine", "email": ""})
    assert not form.is_valid()
    assert form.errors["title"] == [
        "Remove the hidden characters that change the direction of the text or start a new line. "
        "They may have come with text you pasted in."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("character", ["\u202e", "\r\n"])
def test_an_organisation_name_that_reorders_or_breaks_is_refused_beside_the_field(character):
    form = OrganisationForm({"name": f"Riverside{character}Housing"})
    assert not form.is_valid()
    assert "change the direction of the text or start a new line" in form.errors["name"][0]


@pytest.mark.parametrize("character", ["\u202e", "\n"])
def test_the_sign_up_name_refuses_characters_that_reorder_or_break(character):
    assert not NameForm({"name": f"Priya{character}Shah"}).is_valid()


class DateForm(PortalForm):
    when = forms.DateField(widget=DayMonthYearInput, required=False)


def test_a_date_is_typed_as_day_month_and_year():
    form = DateForm({"when_day": "31", "when_month": "3", "when_year": "2027"})
    assert form.is_valid()
    assert form.cleaned_data["when"] == datetime.date(2027, 3, 31)
    assert DateForm({"when_day": "", "when_month": "", "when_year": ""}).is_valid()


def test_a_wrong_date_comes_back_exactly_as_typed():
    form = DateForm({"when_day": "31", "when_month": "Feb", "when_year": "2027"})
    assert not form.is_valid()
    [date] = form["when"].subwidgets
    assert [box["value"] for box in date.data["subwidgets"]] == ["31", "Feb", "2027"]


def test_a_saved_date_is_shown_in_its_three_boxes():
    [date] = DateForm(initial={"when": datetime.date(2027, 3, 1)})["when"].subwidgets
    assert [box["value"] for box in date.data["subwidgets"]] == ["1", "3", "2027"]


@pytest.mark.parametrize(
    "context",
    [
        {"form": QuestionForm({"answer": ""})},
        {"action_forms": [QuestionForm({"answer": "True"}), QuestionForm({"answer": ""})]},
        {"decision_forms": {"approve": QuestionForm(), "reject": QuestionForm({"answer": ""})}},
    ],
    ids=["form", "a list of forms", "forms by name"],
)
def test_the_page_title_says_error_when_any_form_on_the_page_has_errors(context):
    template = Template("{% load portal_forms %}{% page_has_errors as errors %}{{ errors }}")
    assert template.render(Context(context)) == "True"
    no_errors = {"form": QuestionForm(), "other": QuestionForm({"answer": "True"})}
    assert template.render(Context(no_errors)) == "False"
