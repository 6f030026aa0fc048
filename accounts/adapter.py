"""allauth adapter: account emails go through the portal's outbox like every other email."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        from pledges.outbox import queue_email

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
