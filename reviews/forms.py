"""Forms for the annual review's steps and the programme team's acknowledgement."""

from django import forms

from pledge_portal.forms import PortalForm, PortalModelForm, reason_field, yes_no_field
from pledges.models import Action


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
