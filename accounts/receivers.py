"""Receivers for sign-in signals: the session clocks, and a log line for each sign-in and failed sign-in."""

import logging

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from .middleware import start_session_clock

logger = logging.getLogger("accounts.signin")


def email_fingerprint(email):
    """A keyed hash of the lowercased address: one person's lines can be matched, the address is not shown.

    Keyed by SECRET_KEY, so a reader of the logs cannot hash a guessed address and find it, nor match the
    same person across deployments.
    """
    normalised = str(email).strip().lower()
    return salted_hmac("accounts.signin.email", normalised, algorithm="sha256").hexdigest()[:16]


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    if request is not None:
        start_session_clock(request)
    logger.info("Signed in: user %s", user.pk, extra={"user_id": user.pk})


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    # credentials holds the password too: only a hash of the address is logged.
    login = credentials.get("email") or credentials.get("username") or ""
    fingerprint = email_fingerprint(login) if login else "none"
    logger.warning("Failed sign-in: email %s", fingerprint, extra={"email_hash": fingerprint})
