"""The policy headers: CSP and Permissions-Policy on every response, no-store on signed-in pages."""

import pytest
from django.urls import reverse

from directory import services
from tests.factories import directory_partner

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def directives(header):
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.fixture
def partner():
    partner = directory_partner("Riverside Housing")
    services.build_directory()
    return partner


def public_urls(slug):
    return [
        "/",
        "/partners/",
        "/partners.json",
        "/partners.csv",
        f"/partners/{slug}/badge.svg",
        f"/partners/{slug}/certificate.pdf",
        "/no-such-page/",
    ]


def test_every_kind_of_response_carries_the_content_security_policy_and_permissions_policy(client, partner):
    for url in public_urls(partner.organisation.slug):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        policy = directives(response.headers["Content-Security-Policy"])
        assert {name: policy[name] for name in POLICY} == POLICY, url
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"], url
        assert "camera=()" in response.headers["Permissions-Policy"], url
        assert "geolocation=()" in response.headers["Permissions-Policy"], url
        assert "microphone=()" in response.headers["Permissions-Policy"], url


def test_pages_have_no_inline_script(client, partner):
    page = client.get("/").content.decode()
    assert '<script type="module" src="/static/js/portal.js"></script>' in page
    assert "<script>" not in page and 'type="module">' not in page


def test_public_pages_for_anyone_signed_out_are_not_marked_no_store(client, partner):
    for url in public_urls(partner.organisation.slug):
        assert "no-store" not in client.get(url).headers.get("Cache-Control", ""), url


def test_signed_in_pages_and_exports_are_never_stored(client, partner, programme_team_member):
    client.force_login(programme_team_member)
    for url in [
        "/my/",
        reverse("team:queue"),
        reverse("team:dashboard"),
        reverse("team:export_partners"),
        reverse("team:export_decisions"),
        reverse("organisations:contacts", kwargs={"organisation_id": partner.organisation_id}),
        "/",  # a public page, but it names who is signed in
    ]:
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-store, private", url


def test_the_sign_in_redirect_from_a_private_page_is_never_stored(client):
    response = client.get("/my/")
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-store, private"
