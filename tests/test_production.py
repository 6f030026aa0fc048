"""The production smoke test: gunicorn, a Celery worker and beat, started as the Procfile starts them."""

import re
import secrets
import subprocess

import pytest
import redis
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from directory.services import build_directory
from operations.tasks import record_heartbeat
from outbox.models import OutboxEmail
from tests.factories import directory_partner
from tests.support.processes import ROOT, procfile_command
from tests.support.proxied_client import SITE_URL, ProxiedClient
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_for

PASSWORD = "a-long-test-password"


@pytest.fixture(scope="module")
def portal(portal_processes, production_env):
    """web, worker and beat, once for the module, with the production settings of docs/deploy.md."""
    web = portal_processes.web(production_env)
    # Each test's flush empties the heartbeat table: the worker writes its own again within seconds.
    portal_processes.worker({**production_env, "WORKER_HEARTBEAT_SECONDS": "2"})
    portal_processes.beat(production_env)
    portal_processes.wait_until_ready()
    return web


@pytest.fixture
def client(portal):
    return ProxiedClient(portal.port)


def csrf_token(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)[1]


def sign_in(client, user):
    form = client.get("/accounts/login/")
    signed_in = client.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": csrf_token(form), "login": user.email, "password": PASSWORD},
    )
    assert signed_in.status == 302, signed_in.text
    return client


def cookie(response, name):
    """The Set-Cookie header that sets `name`."""
    return next(header for header in response.headers.get_all("Set-Cookie") if header.startswith(f"{name}="))


def test_the_home_page_and_the_partner_directory_are_served_by_gunicorn(transactional_db, client):
    home = client.get("/")
    assert home.status == 200
    assert "Trauma-Informed" in home.text
    directory = client.get("/partners/")
    assert directory.status == 200
    assert "text/html" in directory.headers["Content-Type"]


def test_the_readiness_check_answers_200_with_json_once_the_procfiles_release_step_ran_and_beat_beats(
    transactional_db, client, broker_up, production_env
):
    assert client.get("/health/ready").status == 503  # no directory yet: the release step builds it
    release = subprocess.run(
        procfile_command("release", production_env),
        cwd=ROOT,
        env=production_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert release.returncode == 0, release.stdout + release.stderr
    assert "Built the directory" in release.stdout
    record_heartbeat.delay()  # beat sends one as it starts, and every minute; the worker records it
    assert wait_for(lambda: client.get("/health/ready").status == 200, timeout=30)
    ready = client.get("/health/ready")
    assert ready.headers["Content-Type"].startswith("application/json")
    assert ready.json()


def test_signing_up_sends_a_verification_email_through_the_worker_whose_link_verifies_the_address(
    transactional_db, client, process_smtp_server, portal_processes
):
    address = "new.partner@example.org"
    form = client.get("/accounts/signup/")
    assert form.status == 200
    assert "Secure" in cookie(form, "__Host-csrftoken")  # a browser sends it back only over https

    signed_up = client.post(
        "/accounts/signup/",
        {
            "csrfmiddlewaretoken": csrf_token(form),
            "name": "Priya Shah",
            "email": address,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert signed_up.status == 302, signed_up.text
    assert signed_up.location_path == "/accounts/confirm-email/"

    assert wait_for(lambda: process_smtp_server.to(address)), "the worker sent no verification email"
    (received,) = process_smtp_server.to(address)
    email = OutboxEmail.objects.get(to=address)
    assert received["Message-ID"] == email.message_id
    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT)
    link = re.search(r"https://\S+/accounts/confirm-email/\S+/", received.text)[0]
    assert link.startswith(f"{SITE_URL}/")

    path = link.removeprefix(SITE_URL)
    confirm = client.get(path)
    assert confirm.status == 200
    confirmed = client.post(path, {"csrfmiddlewaretoken": csrf_token(confirm)})
    assert confirmed.status == 302, confirmed.text
    assert confirmed.location_path == "/my/"
    assert "Secure" in cookie(confirmed, "__Host-sessionid")
    assert EmailAddress.objects.get(email=address).verified
    assert client.get("/my/").status == 200  # signed in by the Secure session cookie
    assert all(process.running for process in portal_processes.processes)


def test_static_files_are_served_by_whitenoise_under_hashed_names_cached_for_a_year(transactional_db, client):
    home = client.get("/")
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home.text)[1]
    response = client.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert response.headers["Content-Encoding"] == "gzip"  # compressed by collectstatic
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]


def test_pages_carry_the_security_headers(transactional_db, client):
    home = client.get("/")
    assert home.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    assert home.headers["X-Frame-Options"] == "DENY"
    assert home.headers["Referrer-Policy"] == "same-origin"


def test_a_plain_http_request_is_redirected_to_https(transactional_db, client):
    response = client.get("/partners/", forwarded_proto=None)
    assert response.status == 301
    assert response.headers["Location"] == f"{SITE_URL}/partners/"


def test_cookies_have_host_prefixed_names_secure_host_only_and_for_the_whole_site(transactional_db, client):
    header = cookie(client.get("/accounts/login/"), "__Host-csrftoken")
    assert "Secure" in header
    assert "Path=/" in header
    assert "Domain" not in header


# The headers on each kind of response, through gunicorn behind the proxy ---------------------------------

POLICY_DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


@pytest.fixture
def listed_partner(transactional_db):
    partner = directory_partner("Riverside Housing")
    build_directory()
    return partner


@pytest.fixture
def team_member(transactional_db, programme_team_member):
    # Hashed as gunicorn checks it: the tests' own hasher is a faster one the portal does not know.
    programme_team_member.password = PBKDF2PasswordHasher().encode(PASSWORD, "headers-test-salt")
    programme_team_member.save(update_fields=["password"])
    return programme_team_member


def assert_policy_headers(response, url):
    policy = response.headers["Content-Security-Policy"]
    assert all(directive in policy for directive in POLICY_DIRECTIVES), (url, policy)
    assert "unsafe-inline" not in policy, url
    assert "camera=()" in response.headers["Permissions-Policy"], url
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000"), url
    assert response.headers["X-Content-Type-Options"] == "nosniff", url


def test_every_kind_of_response_carries_the_security_headers(transactional_db, client, listed_partner):
    slug = listed_partner.organisation.slug
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', client.get("/").text)[1]
    responses = {
        "/": ("text/html", 200),
        "/partners.json": ("application/json", 200),
        "/partners.csv": ("text/csv", 200),
        f"/partners/{slug}/badge.svg": ("image/svg+xml", 200),
        f"/partners/{slug}/certificate.pdf": ("application/pdf", 200),
        "/no-such-page/": ("text/html", 404),
        stylesheet: ("text/css", 200),
    }
    for url, (content_type, status) in responses.items():
        response = client.get(url)
        assert response.status == status, url
        assert response.headers["Content-Type"].startswith(content_type), url
        assert_policy_headers(response, url)
        assert "no-store" not in response.headers.get("Cache-Control", ""), url


def test_signed_in_pages_and_exports_are_never_stored(transactional_db, client, listed_partner, team_member):
    sign_in(client, team_member)
    for url in ["/my/", "/team/", "/team/exports/partners.csv", "/"]:
        response = client.get(url)
        assert response.status == 200, url
        assert_policy_headers(response, url)
        assert response.headers["Cache-Control"] == "no-store, private", url


def test_the_login_limit_counts_each_client_behind_the_proxy_apart(transactional_db, portal, team_member):
    attacker = ProxiedClient(portal.port, client_address="198.51.100.66")
    form = attacker.get("/accounts/login/")
    for n in range(11):
        refused = attacker.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": csrf_token(form), "login": f"guess{n}@example.org", "password": "wrong"},
        )
    assert refused.status == 429 or "Too many failed login attempts" in refused.text
    # Everyone else arrives from the same proxy, and still signs in.
    sign_in(ProxiedClient(portal.port, client_address="203.0.113.20"), team_member)


def test_a_flood_of_searches_fills_only_the_page_cache_and_the_login_limit_still_holds(
    transactional_db, portal_processes, production_env, listed_partner
):
    broker = redis.Redis.from_url(production_env["CELERY_BROKER_URL"])  # the default cache's Redis too
    # The page cache on a Redis of its own, bounded and evicting, as docs/caching.md configures it.
    with RedisServer("--maxmemory", "8mb", "--maxmemory-policy", "allkeys-lru") as page_redis:
        web = portal_processes.web({**production_env, "PAGE_CACHE_URL": page_redis.url()}, workers=1)
        web.wait_until_ready()
        attacker = ProxiedClient(web.port, client_address="198.51.100.77")
        form = attacker.get("/accounts/login/")

        def guess():
            data = {"csrfmiddlewaretoken": csrf_token(form), "login": "victim@example.org", "password": "no"}
            return attacker.post("/accounts/login/", data)

        for _ in range(4):  # one short of the limit for that address (5 in 5 minutes)
            assert "Too many failed login attempts" not in guess().text
        visitor = ProxiedClient(web.port, client_address="203.0.113.30")
        for n in range(800):  # some 10 MB of pages: more than the page cache may hold
            path = "/partners/" if n % 2 else "/actions/"
            assert visitor.get(f"{path}?q={secrets.token_hex(6)}&utm_source={n}").status == 200

        page_cache = redis.Redis.from_url(page_redis.url()).info()
        assert page_cache["evicted_keys"] > 0
        # Redis evicts as each write comes: it may stand up to about one page above its bound.
        assert page_cache["used_memory"] <= page_cache["maxmemory"] + 64 * 1024
        assert guess().status == 200  # the fifth
        refused = guess()
        assert refused.status == 429 or "Too many failed login attempts" in refused.text
    assert not list(broker.scan_iter(match="*directory:page:*"))
    assert not list(broker.scan_iter(match="*directory:variants:*"))
    assert list(broker.scan_iter(match=":1:allauth:rl:allauth.account:login_failed:*"))


def test_the_admin_signs_in_through_the_portals_sign_in_page(transactional_db, client):
    response = client.get(reverse("admin:login"))
    assert response.status == 302
    assert response.location_path.startswith("/accounts/login/?next=")
