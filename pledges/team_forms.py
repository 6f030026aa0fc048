"""Forms for the programme team's decisions on pledges and failed emails, and a partner's withdrawal."""

from django import forms

from outbox.models import OutboxEmail
from pledge_portal.forms import PortalForm, reason_field

from .models import RejectionReason


class DecisionForm(PortalForm):
    """A decision's form; `button_class` picks the NHS.UK button style (secondary, warning)."""

    button_class = ""

    def build_helper(self):
        helper = super().build_helper()
        if self.button_class:
            helper.inputs[0].field_classes += f" {self.button_class}"
        return helper


class ApproveForm(DecisionForm):
    submit_label = "Approve pledge"
    submit_name = "approve"


class RequestChangesForm(DecisionForm):
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


class RejectForm(DecisionForm):
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


class WithdrawForm(DecisionForm):
    submit_label = "Withdraw pledge"
    button_class = "nhsuk-button--warning"
    submit_name = "withdraw"

    reason = reason_field(
        "Why is the pledge being withdrawn?",
        help_text="For example, “At the organisation's request”. The signatory is sent this reason.",
        max_length=2000,
        noun="reason",
        required_message="Say why the pledge is being withdrawn",
    )


class PartnerWithdrawForm(WithdrawForm):
    submit_label = "Withdraw our pledge"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Why are you withdrawing the pledge?"
        self.fields[
            "reason"
        ].help_text = "Only the programme team sees this. It helps us understand, and we may get in touch."


class ReinstateForm(DecisionForm):
    submit_label = "Reinstate pledge"
    submit_name = "reinstate"

    note = reason_field(
        "Why is it being reinstated? (optional)",
        help_text="Kept in the pledge's history; not sent to the signatory.",
        max_length=2000,
        noun="note",
    )


class InternalNoteForm(DecisionForm):
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
