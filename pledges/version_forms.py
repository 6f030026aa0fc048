"""Forms for a new wording of the pledge: the team's draft and publication, and a partner's reaffirmation."""

from django import forms
from django.utils import timezone
from django.utils.html import format_html

from pledge_portal.forms import DayMonthYearInput, PortalForm

from .services.signing import names_match


class DraftVersionForm(PortalForm):
    """The draft's title, introduction and example actions; its commitments are a formset beside it."""

    form_tag = False
    submit_label = ""

    title = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter the pledge's title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    introduction = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="As the pledge's own words. Leave a blank line between paragraphs.",
        error_messages={"required": "Enter the pledge's introduction"},
    )
    example_actions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One example a line.",
    )


class CommitmentForm(PortalForm):
    form_tag = False
    submit_label = ""

    title = forms.CharField(
        label="Short label",
        max_length=100,
        help_text="For tables and charts; not part of the pledge's wording.",
        error_messages={
            "required": "Enter a short label for this commitment",
            "max_length": "The short label must be 100 characters or fewer",
        },
    )
    text = forms.CharField(
        label="Wording",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the commitment's wording"},
    )


class BaseCommitmentFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this commitment"

    def clean(self):
        if any(self.errors):
            return
        kept = [form for form in self.forms if form.has_changed() and not self._should_delete_form(form)]
        if not kept:
            raise forms.ValidationError("The pledge needs at least one commitment")

    def kept(self):
        """Each commitment kept, as cleaned data, in the order shown."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ]


CommitmentFormSet = forms.formset_factory(
    CommitmentForm, formset=BaseCommitmentFormSet, extra=1, can_delete=True
)


class PublishVersionForm(PortalForm):
    submit_label = "Publish this version"
    submit_name = "publish"

    effective_on = forms.DateField(
        label="The date it takes effect",
        help_text="From this date new signatories sign it, and partners are invited to reaffirm it. "
        "For example, 1 4 2027.",
        widget=DayMonthYearInput,
        error_messages={
            "required": "Enter the date the new wording takes effect",
            "invalid": "Enter the date as a real date: day, month and year, for example 1 4 2027",
        },
    )

    def clean_effective_on(self):
        effective_on = self.cleaned_data["effective_on"]
        if effective_on < timezone.localdate():
            raise forms.ValidationError("The date it takes effect must be today or later")
        return effective_on


class ReaffirmForm(PortalForm):
    """One page: the typed declaration of the person reaffirming."""

    submit_label = "Reaffirm the pledge"

    declaration_name = forms.CharField(
        label="Type your full name to reaffirm the pledge",
        max_length=200,
        error_messages={"required": "Type your full name to reaffirm the pledge"},
    )

    def __init__(self, *args, name, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name
        # Help text is rendered unescaped by the template pack, so escape the person's name here.
        self.fields["declaration_name"].help_text = format_html("As it is on your account: {}.", name)
        self.fields["declaration_name"].widget.attrs["autocomplete"] = "name"

    def clean_declaration_name(self):
        typed = self.cleaned_data["declaration_name"]
        if not names_match(typed, self.name):
            raise forms.ValidationError(
                "Type your full name exactly as it is on your account: %(name)s", params={"name": self.name}
            )
        return typed
