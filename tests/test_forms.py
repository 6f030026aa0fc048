"""The portal's shared form pieces: a yes-or-no question cleans to True or False, whatever its wording."""

import pytest

from pledge_portal.forms import PortalForm, yes_no_field
from pledges.forms import ActionForm, PublishingForm
from reviews.forms import ReviewPublishingForm


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
        (PublishingForm, "publish_actions"),
        (PublishingForm, "show_signatory"),
        (PublishingForm, "show_logo"),
        (ReviewPublishingForm, "publish_progress"),
    ],
)
def test_every_yes_or_no_question_in_the_portal_uses_the_one_field(form, name):
    field = form.base_fields[name]
    assert [value for value, _label in field.choices] == [True, False]
    assert field.clean("True") is True
    assert field.clean("False") is False
