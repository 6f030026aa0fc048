"""Forms for pledges. Views validate with these and hand the cleaned data to a service."""

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone

from pledge_portal.forms import PortalModelForm

from .models import Action, ActionTheme, Commitment


class ActionForm(PortalModelForm):
    """One of the two actions: used when signing and when setting the next two in a review.

    Pass `version` (the commitments the action can serve) and `prefix`
    ("action-1", "action-2") so both actions can sit on one page.
    """

    theme = forms.ModelChoiceField(
        queryset=ActionTheme.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which kind of action is this?",
        help_text="Choose one of the pledge's example actions, or Other.",
        error_messages={"required": "Choose the kind of action"},
    )
    is_continuing = forms.TypedChoiceField(
        choices=[(True, "It continues work already under way"), (False, "It is new work")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        label="Is this new work, or work you are already doing?",
        error_messages={"required": "Say whether this is new work or continues work already under way"},
    )
    commitments = forms.ModelMultipleChoiceField(
        queryset=Commitment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Which of the eight commitments does it serve?",
        help_text="Choose at least one.",
        error_messages={"required": "Choose at least one commitment this action serves"},
    )
    target_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Target date (optional)",
        help_text="Within the next 12 months. For example, 31/3/2027.",
        error_messages={"invalid": "Enter the target date as a real date, for example 31/3/2027"},
    )

    class Meta:
        model = Action
        fields = ["theme", "title", "description", "is_continuing", "commitments", "target_date"]
        labels = {"title": "Short title", "description": "What will you do?"}
        help_texts = {
            "title": "For example, “Set up a trauma-informed steering group”. Up to 120 characters.",
            "description": (
                "A few sentences: what you will do, who is involved, and how you will know it is working."
            ),
        }
        error_messages = {
            "title": {
                "required": "Enter a short title for the action",
                "max_length": "The title must be 120 characters or fewer",
            },
            "description": {
                "required": "Describe what you will do",
                "max_length": "The description must be 2,000 characters or fewer",
            },
        }

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitments"].queryset = version.commitments.all()
        self.fields["commitments"].label_from_instance = lambda c: f"{c.number}. {c.title}"

    def clean_target_date(self):
        target = self.cleaned_data["target_date"]
        today = timezone.localdate()
        if target and not today <= target <= today + relativedelta(months=12):
            raise forms.ValidationError("Enter a target date within the next 12 months")
        return target
