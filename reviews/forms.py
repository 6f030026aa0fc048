"""Forms for the annual review's steps and the programme team's acknowledgement."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from pledge_portal.forms import DayMonthYearInput, PortalForm, PortalModelForm, reason_field, yes_no_field
from pledges.models import Action, ReviewCycle


class ActionProgressForm(PortalModelForm):
    """How one of this year's actions went."""

    progress = forms.ChoiceField(
        choices=Action.Progress.choices,
        widget=forms.RadioSelect,
        label="How far has this action got?",
        error_messages={"required": "Choose how far this action has got"},
    )

    class Meta:
        model = Action
        fields = ["progress", "what_happened", "what_helped"]
        labels = {
            "what_happened": "What happened?",
            "what_helped": "What helped, or got in the way? (optional)",
        }
        help_texts = {
            "what_happened": (
                "A few sentences about what you did and what changed. It is shown on your partner page "
                "only if you choose to show your progress."
            ),
            "what_helped": "Anything others could learn from. Setbacks are part of the journey too.",
        }
        error_messages = {"what_happened": {"required": "Tell us briefly what happened"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what_happened"].required = True


class ReviewMessageForm(PortalForm):
    message = reason_field(
        "Is there anything else you would like to tell the programme team? (optional)",
        help_text="Only the programme team sees this. It is never published.",
        rows=5,
        max_length=5000,
        whose="Your",
        noun="message",
    )


class ContinueActionForm(PortalForm):
    """The one-click choice: carry this year's action into the next year unchanged."""

    submit_label = "Continue this action"
    submit_name = "continue"


class ShowProgressForm(PortalForm):
    show_progress = yes_no_field(
        "Can we show the progress of your actions publicly?",
        yes="Yes, show the progress of our actions on our public partner page",
        no="No, keep our progress private to the programme team",
        help_text=(
            "Showing it means how far each action got, what happened and what helped. Your message to the "
            "programme team always stays private. To change your choice later, email the programme team."
        ),
        required_message="Choose whether to show your progress publicly",
    )


class SubmitReviewForm(PortalForm):
    submit_label = "Submit the review"


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
