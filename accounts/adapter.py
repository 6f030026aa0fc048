"""allauth adapter: account emails go through the portal's outbox, with links built from SITE_URL."""

from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from outbox.services import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        context = {
            "email": email,
            "SITE_URL": settings.SITE_URL,
            "PROGRAMME_NAME": settings.PROGRAMME_NAME,
            "PROGRAMME_TEAM_EMAIL": settings.PROGRAMME_TEAM_EMAIL,
            **context,
        }
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        queue_email(to=email, subject=message.subject, body_text=message.body, body_html=html)

    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL

    # allauth builds its links from the request's Host header. The portal's emails link to
    # SITE_URL alone, so a forged Host can never put another site's address in a reset link.
    # (The fixed pages, such as sign-up, are linked in templates/account/email/ the same way.)
    def get_email_confirmation_url(self, request, emailconfirmation):
        return settings.SITE_URL + reverse("account_confirm_email", args=[emailconfirmation.key])

    def get_reset_password_from_key_url(self, key):
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.SITE_URL + path.replace("UID-KEY", quote(key))
