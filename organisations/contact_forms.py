"""Forms for a partner's contacts: inviting a colleague."""

from django import forms
from django.conf import settings

from pledge_portal.forms import PortalForm


class InviteContactForm(PortalForm):
    submit_label = "Send the invitation"

    email = forms.EmailField(
        label="Your colleague's email address",
        error_messages={
            "required": "Enter your colleague's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "email"
        ].help_text = (
            f"We email them a link to accept. It works for {settings.CONTACT_INVITATION_VALID_DAYS} days."
        )
