"""Forms for the programme team: decisions on pledges, failed emails, the annual report's narrative,
a new wording of the pledge, annual reviews and lapsing, and changes of name."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from outbox.models import OutboxEmail
from pledge_portal.forms import DayMonthYearInput, PortalForm, reason_field
from pledges.models import RejectionReason, ReviewCycle


class ApproveForm(PortalForm):
    submit_label = "Approve pledge"
    submit_name = "approve"


class RequestChangesForm(PortalForm):
    submit_label = "Ask for changes"
    button_class = "nhsuk-button--secondary"
    submit_name = "request_changes"

    message = reason_field(
        "What should the signatory change?",
        help_text=(
            "The signatory sees this on their pledge and in an email. Say what to change and why, "
            "in plain words. Everything else they wrote stays as it is."
        ),
        rows=5,
        max_length=4000,
        noun="message",
        required_message="Write a message to the signatory saying what to change",
    )


class RejectForm(PortalForm):
    submit_label = "Do not approve"
    button_class = "nhsuk-button--warning"
    submit_name = "reject"

    reason = forms.ModelChoiceField(
        queryset=RejectionReason.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Why can this pledge not be approved?",
        help_text="The signatory is told this reason.",
        error_messages={"required": "Choose a reason for not approving this pledge"},
    )
    note = reason_field(
        "Anything else to tell the signatory (optional)",
        help_text="Included in the email to the signatory.",
        max_length=4000,
        noun="note",
    )


class ReinstateForm(PortalForm):
    submit_label = "Reinstate pledge"
    submit_name = "reinstate"

    note = reason_field(
        "Why is it being reinstated? (optional)",
        help_text="Kept in the pledge's history; not sent to the signatory.",
        max_length=2000,
        noun="note",
    )


class InternalNoteForm(PortalForm):
    submit_label = "Add note"
    button_class = "nhsuk-button--secondary"
    submit_name = "add_note"

    note = reason_field(
        "Internal note",
        help_text="Only the programme team sees notes. They are never shown or sent to the partner.",
        max_length=4000,
        noun="note",
        required_message="Write the note before saving it",
    )


class SendEmailsAgainForm(forms.Form):
    """The failed emails a "Send again" button names; the outbox sends only those still failed."""

    email = forms.ModelMultipleChoiceField(queryset=OutboxEmail.objects.only("pk"))


class ReportNarrativeForm(PortalForm):
    """The programme team's words at the top of a year's annual programme report."""

    submit_label = "Save the narrative"

    text = forms.CharField(
        label="The year in a few paragraphs",
        help_text=(
            "Shown to everyone at the top of the public report and in its PDF. "
            "Write about the programme, not about named people."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
    )


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


class AcknowledgeReviewForm(PortalForm):
    submit_label = "Acknowledge the review"

    message = reason_field(
        "Message to the partner (optional)",
        help_text="We email this to the partner's contacts with your thanks.",
        rows=4,
        max_length=5000,
        noun="message",
    )


class ConfirmLapseForm(PortalForm):
    """The programme team confirms the lapse of one or more partners due to lapse, with a message."""

    submit_label = "Confirm the lapse of the chosen partners"
    submit_name = "confirm"

    cycles = forms.ModelMultipleChoiceField(
        queryset=ReviewCycle.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Which partners' pledges lapse?",
        help_text="Choose one, or several to confirm them together.",
        error_messages={
            "required": "Choose at least one partner whose pledge lapses",
            "invalid_choice": "A partner you chose is no longer due to lapse: choose again",
        },
    )
    message = reason_field(
        "Message to the partners",
        help_text="Emailed to each partner's contacts with how to return, and kept in the pledge's history.",
        rows=4,
        max_length=5000,
        whose="Your",
        noun="message",
        required_message="Write a message to the partners",
    )

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["cycles"]
        field.queryset = cycles
        field.label_from_instance = lambda cycle: (
            f"{cycle.pledge.organisation.name} "
            f"(year {cycle.number}, review due {date_format(cycle.due_on, 'j F Y')})"
        )


class MoreTimeForm(PortalForm):
    """The programme team gives a partner more time for its overdue review."""

    submit_label = "Give more time"

    until = forms.DateField(
        widget=DayMonthYearInput,
        label="New due date",
        help_text="The partner's pledge does not lapse before this date. For example, 31 3 2027.",
        error_messages={
            "required": "Enter the new due date",
            "invalid": "Enter the new due date as a real date: day, month and year, for example 31 3 2027",
        },
    )
    reason = reason_field(
        "Reason",
        help_text="Emailed to the partner's contacts and kept in the pledge's history.",
        max_length=2000,
        noun="reason",
        required_message="Say why the partner is being given more time",
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.localdate():
            raise forms.ValidationError("The new due date must be in the future")
        return until


class NameChangeDecisionForm(PortalForm):
    """The programme team approves or declines a change of name."""

    submit_label = "Save the decision"

    decision = forms.ChoiceField(
        choices=[("approve", "Approve the new name"), ("decline", "Decline it")],
        widget=forms.RadioSelect,
        label="Your decision",
        error_messages={"required": "Choose whether to approve or decline the new name"},
    )
    note = reason_field(
        "Message to the partner",
        help_text="Emailed to the person who asked. Needed when you decline.",
        max_length=2000,
        noun="message",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("note", "").strip():
            self.add_error("note", "Say why the new name is declined")
        return cleaned
