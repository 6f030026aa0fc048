"""allauth adapter: account emails go through the portal's outbox, with links built from SITE_URL."""

from urllib.parse import quote, urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import unstash_login
from allauth.account.utils import get_login_redirect_url, get_next_redirect_url
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.shortcuts import resolve_url
from django.urls import reverse

from outbox.services import queue_email


def safe_next(request):
    """The page the person was going to (?next=, in the query or the form), if it is on this site."""
    return get_next_redirect_url(request) if request is not None else None


def with_next(url, next_url):
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # allauth's own send_mail adds request, email and current_site; keep them, then add the portal's.
        request = self.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request) if request is not None else None,
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

    def save_user(self, request, user, form, commit=True):
        user.name = form.cleaned_data.get("name", "").strip()
        return super().save_user(request, user, form, commit)

    def get_login_redirect_url(self, request):
        """Where someone lands after signing in with nowhere else to go: the team's queue or "Your pledge"."""
        if request.user.is_programme_team:
            return reverse("team:queue")
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def post_login(self, request, user, **kwargs):
        # Accounts made before the portal asked for names are asked once, as they next sign in.
        if not user.name:
            destination = get_login_redirect_url(request, kwargs["redirect_url"], signup=kwargs["signup"])
            kwargs["redirect_url"] = with_next(reverse("accounts:name"), destination)
        return super().post_login(request, user, **kwargs)

    # allauth builds its links from the request's Host header. The portal's emails link to
    # SITE_URL alone, so a forged Host can never put another site's address in a reset link.
    # (The fixed pages, such as sign-up, are linked in templates/account/email/ the same way.)
    # The link may be opened on another device, with none of the sign-up's session, so the page the
    # person was going to travels in the link itself; the confirmation page sends them on to it.
    def get_email_confirmation_url(self, request, emailconfirmation):
        url = settings.SITE_URL + reverse("account_confirm_email", args=[emailconfirmation.key])
        # Sign-up posts ?next=; a link sent again comes from the sign-in still waiting in the session.
        waiting = unstash_login(request, peek=True) if request is not None else None
        return with_next(url, safe_next(request) or (waiting and waiting.redirect_url))

    def get_reset_password_from_key_url(self, key):
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return with_next(settings.SITE_URL + path.replace("UID-KEY", quote(key)), safe_next(self.request))
