"""Signing a test client in as someone who has just confirmed their password (allauth's re-authentication)."""

from allauth.account.internal.flows.login import record_authentication
from django.test import RequestFactory


def sign_in_recently(client, user):
    """force_login, then record a password confirmation now, as allauth's re-authenticate page does.

    Views behind `reauthentication_required` then act at once, for the next few minutes.
    """
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    record_authentication(request, user, method="password", reauthenticated=True)
    request.session.save()
