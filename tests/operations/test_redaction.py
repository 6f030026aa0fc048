"""Secrets in URLs are hidden by their place in the path, however the path is written."""

import json
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from operations.redaction import hide_secrets, hide_secrets_in

TOKEN = "Zm9vYmFyLXNlY3JldC10b2tlbi1mb3ItdGVzdHM"
KEY = "MQ:1u2v3w:AbCdEfGhIjKlMnOp"
RESET = "4c-cd8a2f0b7e6d5c4b3a21"


@pytest.mark.parametrize(
    "text, hidden",
    [
        (f"/my/invitations/{TOKEN}/", "/my/invitations/hidden/"),
        (f"/my/invitations/{TOKEN}", "/my/invitations/hidden"),
        (f"/my/invitations/{TOKEN}/.", "/my/invitations/hidden/."),
        (f"/my/invitations/{TOKEN}/./", "/my/invitations/hidden/./"),
        (f"/my/invitations/{TOKEN}/..", "/my/invitations/hidden/.."),
        (f"//my//invitations//{TOKEN}//", "//my//invitations//hidden//"),
        (f"/my/./invitations/./{TOKEN}/", "/my/./invitations/./hidden/"),
        (f"/my/invitations%2F{TOKEN}%2F", "/my/invitations%2Fhidden%2F"),
        (f"/my/invitations%2f{TOKEN}", "/my/invitations%2fhidden"),
        (f"%2Fmy%2Finvitations%2F{TOKEN}%2F", "%2Fmy%2Finvitations%2Fhidden%2F"),
        (f"%252Fmy%252Finvitations%252F{TOKEN}", "%252Fmy%252Finvitations%252Fhidden"),
        (f"/my/%69nvitations/{TOKEN}/", "/my/%69nvitations/hidden/"),
        (
            f"/%6D%79/%69%6E%76%69%74%61%74%69%6F%6E%73/{TOKEN}",
            "/%6D%79/%69%6E%76%69%74%61%74%69%6F%6E%73/hidden",
        ),
        (f"/MY/Invitations/{TOKEN}/", "/MY/Invitations/hidden/"),
        (f"/my/invitations/{TOKEN}/accept/more", "/my/invitations/hidden/hidden/hidden"),
        (f"/my/invitations/{TOKEN}?next=/partners/", "/my/invitations/hidden?next=/partners/"),
        (f"/my/invitations/{TOKEN}#top", "/my/invitations/hidden#top"),
        (f"/my/invitations/{TOKEN[:10]}%41{TOKEN[10:]}/", "/my/invitations/hidden/"),
        (f"/accounts/confirm-email/{KEY}/", "/accounts/confirm-email/hidden/"),
        (f"/accounts/confirm-email/{KEY}", "/accounts/confirm-email/hidden"),
        (f"/accounts/confirm-email/{KEY.replace(':', '%3A')}/", "/accounts/confirm-email/hidden/"),
        (f"/accounts/password/reset/key/{RESET}/", "/accounts/password/reset/key/hidden/"),
        (f"/accounts/password/reset/key/{RESET}", "/accounts/password/reset/key/hidden"),
        (f"/accounts/password/reset/key/{RESET}/.", "/accounts/password/reset/key/hidden/."),
        ("/accounts/password/reset/key/4c-set-password/", "/accounts/password/reset/key/hidden/"),
    ],
)
def test_a_secret_in_a_path_is_hidden_however_the_path_is_written(text, hidden):
    assert hide_secrets(text) == hidden


@pytest.mark.parametrize(
    "line",
    [
        # gunicorn's access line: the request line, and a Referer from a page with the token in its address.
        f'203.0.113.10 - - [07/Dec/2026:10:00:00 +0000] "GET /my/invitations/{TOKEN} HTTP/1.0" 301 0 "-" "c"',
        f'"GET /static/app.css HTTP/1.0" 200 9 "https://pledge.example.org/my/invitations/{TOKEN}/" "F"',
        # Signing in on the way to an invitation: the address is in the query string.
        f"GET /accounts/login/?next=%2Fmy%2Finvitations%2F{TOKEN}%2F&x=1 HTTP/1.0",
        f"GET /accounts/login/?next=/my/invitations/{TOKEN}/ HTTP/1.0",
        # A redirect's Location, a JSON line, Python's repr, a traceback.
        f"Location: https://pledge.example.org/accounts/confirm-email/{KEY}/",
        f'{{"message": "Not Found: /my/invitations/{TOKEN}/.", "path": "/my/invitations/{TOKEN}/."}}',
        f"Resolver404({{'path': 'my/invitations/{TOKEN}/.'}})",
        f"  File x, line 1\nValueError: /accounts/password/reset/key/{RESET}\n",
    ],
)
def test_a_secret_is_hidden_wherever_it_stands_in_a_line(line):
    hidden = hide_secrets(line)
    for secret in (TOKEN, KEY, RESET, "cd8a2f0b7e6d"):
        assert secret not in hidden
    assert "hidden" in hidden


def test_a_json_line_stays_valid_json():
    line = json.dumps({"message": f"Not Found: /my/invitations/{TOKEN}\n\u00e9\\", "n": 1})
    assert json.loads(hide_secrets(line)) == {
        "message": "Not Found: /my/invitations/hidden\n\u00e9\\",
        "n": 1,
    }


@pytest.mark.parametrize(
    "text",
    [
        "/partners/avon-steady/",
        "/my/invitations/",
        "/accounts/confirm-email/",
        "/accounts/password/reset/key/done/",
        "/accounts/password/reset/",
        "/my/join-requests/12/answer/",
        "/enemy/invitations/abc/",
        "/my/invitationsabc/",
        "GET /partners/?q=invitations HTTP/1.1",
    ],
)
def test_paths_without_secrets_are_left_as_they_are(text):
    assert hide_secrets(text) == text


def test_every_string_in_a_nested_structure_is_hidden():
    event = {
        "request": {"url": f"https://pledge.example.org/my/invitations/{TOKEN}/", "method": "GET"},
        "breadcrumbs": {"values": [{"message": f"Not Found: /my/invitations/{TOKEN}/.", "level": "warning"}]},
        "spans": [{"description": f"GET /accounts/confirm-email/{KEY}/", "data": {"count": 2}}],
        "transaction": f"/accounts/password/reset/key/{RESET}",
        "tags": ("a", f"/my/invitations/{TOKEN}"),
    }
    hidden = hide_secrets_in(event)
    assert hidden["request"] == {"url": "https://pledge.example.org/my/invitations/hidden/", "method": "GET"}
    assert hidden["breadcrumbs"]["values"][0]["message"] == "Not Found: /my/invitations/hidden/."
    assert hidden["spans"][0] == {"description": "GET /accounts/confirm-email/hidden/", "data": {"count": 2}}
    assert hidden["transaction"] == "/accounts/password/reset/key/hidden"
    assert hidden["tags"] == ("a", "/my/invitations/hidden")


# Every route that carries a secret is known -----------------------------------------------------------------

# The names the portal's and allauth's routes give the secrets in their paths.
SECRET_NAMES = {"token", "key", "uidb36", "uid", "code", "signature", "secret"}


def secret_routes(resolver=None, namespace=""):
    """(view name, the names of its path's parts) for every route with a part named as a secret."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from secret_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and set(pattern.pattern.regex.groupindex) & SECRET_NAMES:
            yield ":".join(filter(None, [namespace, pattern.name])), sorted(pattern.pattern.regex.groupindex)


def test_the_routes_that_carry_a_secret_are_the_three_the_masking_was_tested_with():
    assert dict(secret_routes()) == {
        "organisations:accept_invitation": ["token"],
        "account_confirm_email": ["key"],
        "account_reset_password_from_key": ["key", "uidb36"],
    }


@pytest.mark.parametrize("view_name, names", list(secret_routes()))
def test_every_secret_bearing_route_is_hidden_in_every_form(view_name, names):
    kwargs = {name: f"{name}Secret{n}x7" for n, name in enumerate(names)}
    path = reverse(view_name, kwargs=kwargs)
    forms = [
        path,
        path.rstrip("/"),
        path + ".",
        path.rstrip("/") + "/.",
        path.replace("/", "//"),
        path.replace("/", "%2F"),
        quote(path, safe=""),
        f"https://pledge.example.org{path}",
    ]
    for form in forms:
        hidden = hide_secrets(form)
        assert not any(value in hidden for value in kwargs.values()), (form, hidden)
        assert "hidden" in hidden
