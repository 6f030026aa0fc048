"""No live token or key reaches the web process's log, in either format, whatever form its path takes.

gunicorn is started as the Procfile starts it, with its access log off (as
the Procfile runs it) and on (`--access-logfile -`, as a deployment may add),
and the whole of its output is read back.
"""

import re
import socket
from urllib.parse import quote

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from organisations.services.contacts import invite_contact
from tests.factories import MembershipFactory, UserFactory
from tests.support.proxied_client import SITE_URL, ProxiedClient

PASSWORD = "a-long-test-password"
# gunicorn's access line, with the redirect's Location and the Referer added.
ACCESS_FORMAT_WITH_LOCATION = '%(h)s "%(r)s" %(s)s "%(f)s" "%({location}o)s" %(U)s %(q)s'

CASES = {
    "text": ({"LOG_FORMAT": "text"}, ()),
    "json": ({"LOG_FORMAT": "json"}, ()),
    "text, gunicorn's access log on": ({"LOG_FORMAT": "text"}, ("--access-logfile", "-")),
    "json, gunicorn's access log on, with Location": (
        {"LOG_FORMAT": "json"},
        ("--access-logfile", "-", "--access-logformat", ACCESS_FORMAT_WITH_LOCATION),
    ),
}


@pytest.fixture
def invitee(transactional_db):
    # Hashed as gunicorn checks it: the tests' own hasher is a faster one the portal does not know.
    person = UserFactory(email="invitee@example.org")
    person.password = PBKDF2PasswordHasher().encode(PASSWORD, "secrets-in-logs-salt")
    person.save(update_fields=["password"])
    return person


@pytest.fixture
def secret_paths(invitee):
    """{secret: its path} for each kind of secret the portal puts in a path, every one of them live."""
    membership = MembershipFactory()
    _, token = invite_contact(organisation=membership.organisation, email=invitee.email, by=membership.user)
    unconfirmed = UserFactory(verified=False)
    address = EmailAddress.objects.create(user=unconfirmed, email=unconfirmed.email, primary=True)
    key = EmailConfirmationHMAC(address).key
    reset_key = default_token_generator.make_token(invitee)
    uidb36 = user_pk_to_url_str(invitee)
    return {
        token: reverse("organisations:accept_invitation", args=[token]),
        key: reverse("account_confirm_email", args=[key]),
        reset_key: reverse("account_reset_password_from_key", kwargs={"uidb36": uidb36, "key": reset_key}),
    }


def malformed(path):
    """The path as a mistyped, mangled or hand-made link may give it."""
    bare = path.rstrip("/")
    return [
        path,
        bare,  # no slash: 301 to the path with it
        path + ".",
        bare + "/.",  # 404
        path.replace("/", "//"),
        bare.replace("/", "%2F", 2) + "/",
        bare.replace("/", "%2F") + "%2F",
        path.replace("my/", "%6D%79/").replace("accounts/", "%61ccounts/"),
        path.replace("my/invitations", "My/Invitations").replace("accounts/", "Accounts/"),  # 404
    ]


def visit(client, path):
    """GET `path` and follow its redirects, as a browser does, with the Referer a browser sends."""
    referer = None
    for _ in range(4):
        response = client.get(path, headers={"Referer": referer} if referer else {})
        if response.status not in (301, 302):
            return response
        referer = SITE_URL + path
        path = response.location_path
    return response


def send_raw(port, request_line):
    """A request line no client library would send, as a scanner may."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"{request_line}\r\nHost: {SITE_URL.split('//')[1]}\r\n\r\n".encode())
        connection.recv(65536)


def windows(secret, width=10):
    """Every run of `width` characters of the secret: no part of it long enough to guess from may show."""
    return {secret[i : i + width] for i in range(len(secret) - width + 1)}


@pytest.mark.parametrize("case", CASES)
def test_no_live_token_or_key_reaches_the_web_log_in_any_form(
    case, transactional_db, portal_processes, production_env, secret_paths, invitee
):
    overrides, options = CASES[case]
    web = portal_processes.web({**production_env, **overrides}, workers=1, options=options)
    web.wait_until_ready()
    anonymous = ProxiedClient(web.port)
    for path in secret_paths.values():
        for form in malformed(path):
            visit(anonymous, form)
        anonymous.post(path, {"x": "1"})  # no CSRF token: refused, and Django says so in the log
        anonymous.get(quote(path) + "?next=" + quote(path, safe=""))
        send_raw(web.port, f"GET {path} HTTP/1.1 trailing-junk")
        send_raw(web.port, f"GET {path}\x01 HTTP/1.1")
        # From the page with the secret in its address, the browser fetches the next one.
        anonymous.get("/partners/", headers={"Referer": SITE_URL + path})
    signed_in = ProxiedClient(web.port)
    sign_in = signed_in.get("/accounts/login/")
    csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', sign_in.text)[1]
    signed_in.post(
        "/accounts/login/", {"csrfmiddlewaretoken": csrf_token, "login": invitee.email, "password": PASSWORD}
    )
    for path in secret_paths.values():
        for form in malformed(path):
            visit(signed_in, form)
    web.wait_for_log(r"operations\.access.*GET /partners/")
    web.stop()

    log = web.log()
    for secret in secret_paths:
        leaked = [part for part in windows(secret) if part in log]
        assert not leaked, f"{case}: part of a secret in the log: {leaked[:3]}\n{log[-3000:]}"
    assert log.count("/my/invitations/hidden") >= len(malformed("/my/invitations/x/"))
    assert "/accounts/password/reset/key/hidden" in log
    assert "/accounts/confirm-email/hidden" in log
    if options:
        assert log.count("/my/invitations") > 2 * len(malformed("/my/invitations/x/"))  # gunicorn's lines too
