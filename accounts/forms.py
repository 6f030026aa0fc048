"""Forms for accounts: admin forms for the email-login user, and allauth's forms in plain words."""

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.urls import reverse
from django.utils.html import format_html

from pledge_portal.forms import PortalForm, refuse_control_characters, refuse_reordering_and_line_breaks

from .adapter import safe_next, with_next
from .models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "name")
        field_classes = {}


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}


class LoginForm(allauth_forms.LoginForm):
    """allauth's sign-in form, in the portal's plain words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        self.fields["remember"].label = "Keep me signed in on this device"
        # The reset link keeps ?next=, so a new password leads on to the page the person asked for.
        reset_url = with_next(reverse("account_reset_password"), safe_next(self.request))
        forgotten = format_html('<a href="{}">Forgotten your password?</a>', reset_url)
        self.fields["password"].help_text = forgotten


class SignupForm(allauth_forms.SignupForm):
    """allauth's create-account form, in the portal's plain words, asking for the person's name first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"] = name_field()
        self.order_fields(["name", "email", "password1", "password2"])
        self.fields["email"].label = "Email address"
        self.fields["email"].help_text = "Use your work email address. We will send you a link to confirm it."
        self.fields["password2"].label = "Confirm password"


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    """allauth's "reset your password" form, in plain words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].widget.attrs.pop("placeholder", None)


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    """allauth's "set a new password" form, in plain words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "New password"
        self.fields["password2"].label = "Confirm your new password"
        for field in self.fields.values():  # a label says it; allauth's placeholders repeat it in title case
            field.widget.attrs.pop("placeholder", None)


NAME_HELP = "The programme team and the other people at your organisation see it beside your email address."


def name_field():
    return forms.CharField(
        label="Full name",
        max_length=200,
        help_text=NAME_HELP,
        error_messages={"required": "Enter your full name"},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        # Sign-up is allauth's form, not a PortalForm, so the name brings its own check.
        validators=[refuse_control_characters, refuse_reordering_and_line_breaks],
    )


class NameForm(PortalForm):
    """Asks, once, the name of someone whose account was made before the portal asked for it."""

    name = name_field()
