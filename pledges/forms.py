"""Forms for pledges. Views validate with these and hand the cleaned data to a service."""

from crispy_forms.layout import Fieldset, Layout
from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone
from django.utils.html import format_html

from organisations.models import Membership
from pledge_portal.forms import (
    DayMonthYearInput,
    PortalForm,
    PortalModelForm,
    reason_field,
    too_long,
    yes_no_field,
)

from .models import Action, ActionTheme, Commitment, Pledge
from .services.signing import names_match


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
    description = reason_field(
        "What will you do?",
        help_text="A few sentences: what you will do, who is involved, and how you will know it is working.",
        rows=10,
        max_length=2000,
        noun="description",
        required_message="Describe what you will do",
    )
    is_continuing = yes_no_field(
        "Is this new work, or work you are already doing?",
        yes="It continues work already under way",
        no="It is new work",
        required_message="Say whether this is new work or continues work already under way",
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
        widget=DayMonthYearInput,
        label="Target date (optional)",
        help_text="Within the next 12 months. For example, 31 3 2027.",
        error_messages={
            "invalid": "Enter the target date as a real date: day, month and year, for example 31 3 2027"
        },
    )

    class Meta:
        model = Action
        fields = ["theme", "title", "description", "is_continuing", "commitments", "target_date"]
        labels = {"title": "Short title"}
        help_texts = {
            "title": "For example, “Set up a trauma-informed steering group”. Up to 120 characters.",
        }
        error_messages = {
            "title": {
                "required": "Enter a short title for the action",
                "max_length": too_long("The title", 120),
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


# Signing: one form per step of the journey ----------------------------------------


class SignatoryForm(PortalModelForm):
    """Step "About you": the person signing, and their leader when they sign on the leader's behalf."""

    signatory_role = forms.ChoiceField(
        choices=Pledge.SignatoryRole.choices,
        widget=forms.RadioSelect,
        label="Your role in signing",
        error_messages={"required": "Say whether you are the leader or authorised to sign for them"},
    )

    class Meta:
        model = Pledge
        fields = [
            "signatory_name",
            "signatory_job_title",
            "signatory_role",
            "leader_name",
            "leader_job_title",
        ]
        labels = {
            "signatory_name": "Your full name",
            "signatory_job_title": "Your job title",
            "leader_name": "Your leader's full name",
            "leader_job_title": "Your leader's job title",
        }
        help_texts = {
            "signatory_job_title": "For example, Chief Executive, Chair of the Board or Service Manager.",
            "leader_job_title": "For example, Chief Executive or Chair.",
        }
        error_messages = {
            "signatory_name": {
                "required": "Enter your full name",
                "max_length": too_long("Your name", 200),
            },
            "signatory_job_title": {
                "required": "Enter your job title",
                "max_length": too_long("Your job title", 200),
            },
            "leader_name": {"max_length": too_long("Your leader's name", 200)},
            "leader_job_title": {"max_length": too_long("Your leader's job title", 200)},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatory_name"].required = True
        self.fields["signatory_job_title"].required = True
        self.fields["signatory_name"].widget.attrs["autocomplete"] = "name"
        self.fields["signatory_job_title"].widget.attrs["autocomplete"] = "organization-title"
        # Shown to everyone (no JavaScript reveal needed), grouped so it is clear they are conditional.
        self.helper.layout = Layout(
            "signatory_name",
            "signatory_job_title",
            "signatory_role",
            Fieldset("If you are signing on your leader's behalf", "leader_name", "leader_job_title"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("signatory_role") == Pledge.SignatoryRole.AUTHORISED:
            if not cleaned.get("leader_name", "").strip():
                self.add_error("leader_name", "Enter your leader's full name, as you are signing for them")
            if not cleaned.get("leader_job_title", "").strip():
                self.add_error(
                    "leader_job_title", "Enter your leader's job title, as you are signing for them"
                )
        return cleaned


class CommitmentsForm(PortalForm):
    """Step "The commitments": one agreement to all of the version's commitments (eight in version 1)."""

    agree = forms.BooleanField(
        label="We agree to all of these Active Commitments",
        help_text="On behalf of the organisation, exactly as written above.",
        error_messages={"required": "Confirm that your organisation agrees to all of the commitments"},
    )


class WhatToShowForm(PortalModelForm):
    """Step "Publishing choices": what the public directory may show about the pledge."""

    show_actions = yes_no_field(
        "Publish your two actions and their progress in the public list of partners?",
        help_text="If you say no, we publish only that you have signed. You can change this later.",
        required_message="Say whether we may publish your two actions and their progress",
    )
    show_signatory = yes_no_field(
        "Show your name and job title publicly?",
        help_text="If you say no, we show only your organisation's name. Most partners say no.",
        required_message="Say whether we may show your name and job title",
    )
    show_logo = yes_no_field(
        "Show your organisation's logo?",
        required_message="Say whether we may show your organisation's logo",
    )

    class Meta:
        model = Pledge
        fields = ["show_actions", "show_signatory", "show_logo"]

    def __init__(self, *args, has_logo, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_logo:  # nothing to show, so nothing to ask
            del self.fields["show_logo"]
        if self.instance.show_actions is None:
            # Choices never made: no answer comes chosen (show_signatory is stored as No until then).
            self.initial.pop("show_signatory", None)


def typed_declaration_field(
    *, label="Type your full name to sign", required_message="Type your full name to sign"
):
    """The typed declaration every signature uses: the person types their full name."""
    field = forms.CharField(label=label, max_length=200, error_messages={"required": required_message})
    field.widget.attrs["autocomplete"] = "name"
    return field


class TypedNameDeclarationForm(PortalForm):
    """A declaration signed by typing one's full name, which must match `name` (see names_match)."""

    # "{}" and "%(name)s" stand for the name the person must type.
    name_hint = ""
    mismatch_message = ""

    def __init__(self, *args, name, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name
        # Help text is rendered unescaped by the template pack, so escape the person's name here.
        self.fields["declaration_name"].help_text = format_html(self.name_hint, name)

    def clean_declaration_name(self):
        typed = self.cleaned_data["declaration_name"]
        if not names_match(typed, self.name):
            raise forms.ValidationError(self.mismatch_message, params={"name": self.name})
        return typed


class DeclarationForm(TypedNameDeclarationForm):
    """Step "Declaration": the signatory types their full name to sign."""

    submit_label = "Sign and submit the pledge"
    name_hint = "The name you gave on the “About you” page: {}."
    mismatch_message = "Type your full name exactly as you gave it on the “About you” page: %(name)s"

    declaration_name = typed_declaration_field(required_message="Type your full name to sign the pledge")


# A change of leader ----------------------------------------------------------------------


class ChooseNewSignatoryForm(PortalForm):
    """Who signs for the partner from now on: one of its people."""

    submit_label = "Ask them to sign"

    new_signatory = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        widget=forms.RadioSelect,
        label="Who is the new signatory?",
        help_text="They must already be one of your organisation's people. We email them a link to sign.",
        error_messages={"required": "Choose the new signatory"},
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["new_signatory"]
        field.queryset = memberships
        field.label_from_instance = lambda m: f"{m.user.get_full_name() or m.user.email} ({m.user.email})"


class ReaffirmAsSignatoryForm(PortalForm):
    """The new signatory's details and authority to sign, whether to show their name, their declaration."""

    submit_label = "Sign as the new signatory"

    signatory_name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={
            "required": "Enter your full name",
            "max_length": too_long("Your name", 200),
        },
    )
    signatory_job_title = forms.CharField(
        label="Your job title",
        max_length=200,
        help_text="For example, Chief Executive, Chair of the Board or Service Manager.",
        error_messages={
            "required": "Enter your job title",
            "max_length": too_long("Your job title", 200),
        },
    )
    signatory_role = forms.ChoiceField(
        choices=Pledge.SignatoryRole.choices,
        widget=forms.RadioSelect,
        label="Your role in signing",
        error_messages={"required": "Say whether you are the leader or authorised to sign for them"},
    )
    leader_name = forms.CharField(label="Your leader's full name", max_length=200, required=False)
    leader_job_title = forms.CharField(label="Your leader's job title", max_length=200, required=False)
    show_signatory = yes_no_field(
        "Show your name and job title publicly?",
        help_text="If you say no, we show only your organisation's name.",
        required_message="Say whether we may show your name and job title",
    )
    declaration_name = typed_declaration_field(required_message="Type your full name to sign the pledge")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatory_name"].widget.attrs["autocomplete"] = "name"
        self.fields["signatory_job_title"].widget.attrs["autocomplete"] = "organization-title"
        self.helper.layout = Layout(
            "signatory_name",
            "signatory_job_title",
            "signatory_role",
            Fieldset("If you are signing on your leader's behalf", "leader_name", "leader_job_title"),
            "show_signatory",
            "declaration_name",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("signatory_role") == Pledge.SignatoryRole.AUTHORISED:
            if not cleaned.get("leader_name", "").strip():
                self.add_error("leader_name", "Enter your leader's full name, as you are signing for them")
            if not cleaned.get("leader_job_title", "").strip():
                self.add_error(
                    "leader_job_title", "Enter your leader's job title, as you are signing for them"
                )
        name, typed = cleaned.get("signatory_name"), cleaned.get("declaration_name")
        if name and typed and not names_match(typed, name):
            self.add_error("declaration_name", f"Type your full name exactly as you gave it above: {name}")
        return cleaned


class WithdrawForm(PortalForm):
    """A pledge's withdrawal and its reason: by the programme team, or by the partner (below)."""

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


class ReaffirmForm(TypedNameDeclarationForm):
    """One page: the typed declaration of the person reaffirming."""

    submit_label = "Reaffirm the pledge"
    name_hint = "As it is on your account: {}."
    mismatch_message = "Type your full name exactly as it is on your account: %(name)s"

    declaration_name = typed_declaration_field(
        label="Type your full name to reaffirm the pledge",
        required_message="Type your full name to reaffirm the pledge",
    )
