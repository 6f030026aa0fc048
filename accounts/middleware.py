"""Session rules for signed-in people: idle and absolute timeouts, and two-factor sign-in for superusers."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

# Session keys, in seconds since the epoch.
SIGNED_IN_AT = "portal_signed_in_at"
LAST_SEEN_AT = "portal_last_seen_at"
# The last-seen time is saved at most this often, so that not every request writes the session.
LAST_SEEN_RESOLUTION_SECONDS = 60


def start_session_clock(request):
    """Called as someone signs in: both clocks start now."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def idle_limit_seconds(user):
    minutes = settings.SESSION_TEAM_IDLE_MINUTES if user.is_staff or user.is_programme_team else None
    return (minutes or settings.SESSION_IDLE_MINUTES) * 60


def session_has_expired(session, user, now):
    signed_in_at = session.get(SIGNED_IN_AT, now)
    last_seen_at = session.get(LAST_SEEN_AT, now)
    return (
        now - last_seen_at > idle_limit_seconds(user)
        or now - signed_in_at > settings.SESSION_MAX_AGE_HOURS * 60 * 60
    )


def session_timeout_middleware(get_response):
    def middleware(request):
        if request.user.is_authenticated:
            now = int(time.time())
            if session_has_expired(request.session, request.user, now):
                logout(request)
                messages.info(request, "You were signed out to keep your account safe. Please sign in again.")
                return redirect_to_login(request.get_full_path())
            request.session.setdefault(SIGNED_IN_AT, now)
            if now - request.session.get(LAST_SEEN_AT, 0) >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[LAST_SEEN_AT] = now
        return get_response(request)

    return middleware


def superuser_two_factor_middleware(get_response):
    """With MFA_REQUIRED_FOR_SUPERUSERS, a superuser without an authenticator app is sent to set one up.

    The account pages stay open, so they can set it up, confirm their password, or sign out.
    """

    def middleware(request):
        user = request.user
        if (
            settings.MFA_REQUIRED_FOR_SUPERUSERS
            and user.is_authenticated
            and user.is_superuser
            and not request.path.startswith(accounts_path())
            and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
        ):
            messages.info(request, "Set up two-factor sign-in with an authenticator app before you continue.")
            return redirect("mfa_activate_totp")
        return get_response(request)

    return middleware


def accounts_path():
    """Where allauth's pages are mounted, such as "/accounts/"."""
    return reverse("account_login").removesuffix("login/")
