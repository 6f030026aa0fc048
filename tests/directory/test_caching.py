"""Whole public pages cached per snapshot: fresh after every change, never shared with anyone signed in."""

import gzip
import json
import os
import secrets

import pytest
import redis
from django.urls import reverse

from directory import current, services
from pledges.models import Action
from pledges.services import decisions
from tests.factories import MembershipFactory, PledgeFactory, directory_partner
from tests.support.directory import file_body, names_listed_in
from tests.support.processes import clear_cache
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("directory:directory")
FILTERED = DIRECTORY + "?sector=vcse&area=bristol"
SEARCHED = DIRECTORY + "?q=avon"
LIBRARY = reverse("directory:library")
LIBRARY_FILTERED = LIBRARY + "?sector=vcse&theme=steering-group&sort=progress"
LIBRARY_SEARCHED = LIBRARY + "?q=avon"
LIBRARY_FILES = [reverse("directory:actions_json"), reverse("directory:actions_library_csv")]
PUBLIC_PAGES = [
    reverse("pages:home"),
    reverse("pages:pledge"),
    DIRECTORY,
    FILTERED,
    SEARCHED,
    reverse("directory:partner", kwargs={"slug": "avon-steady"}),
    reverse("directory:open_data"),
    LIBRARY,
    LIBRARY_FILTERED,
    LIBRARY_SEARCHED,
]


@pytest.fixture
def steady():
    pledge = directory_partner("Avon Steady")
    services.build_directory()
    return pledge


@pytest.fixture
def public_pages(steady):
    """Every cached page, with one action's page of the library."""
    action = Action.objects.filter(pledge=steady).order_by("number").first()
    return [*PUBLIC_PAGES, reverse("directory:action", args=[action.pk])]


def is_cached(response):
    # A page from the cache was not rendered by this request, so the test client saw no template.
    return response.context is None


def test_the_second_anonymous_request_is_served_from_the_cache(client, public_pages):
    for path in public_pages:
        first, second = client.get(path), client.get(path)
        assert (first.status_code, second.status_code) == (200, 200), path
        assert not is_cached(first), path
        assert is_cached(second), path
        assert second.content == first.content, path


def test_the_query_is_normalised_so_the_same_search_shares_one_page(client, steady):
    client.get(DIRECTORY + "?sector=vcse&area=bristol")
    assert is_cached(client.get(DIRECTORY + "?area=bristol&sector=vcse"))


@pytest.mark.parametrize("path", [DIRECTORY, FILTERED, SEARCHED])
def test_a_cached_page_shows_an_approval_and_a_withdrawal_at_once(
    client, steady, public_pages, programme_team_member, django_capture_on_commit_callbacks, path
):
    assert names_listed_in(client.get(path)) == ["Avon Steady"]
    assert names_listed_in(client.get(path)) == ["Avon Steady"]  # from the cache
    joining = PledgeFactory(submitted=True, organisation__name="Avon Joining")
    joining.organisation.areas.set(steady.organisation.areas.all())
    before = services.current_directory()

    with django_capture_on_commit_callbacks(execute=True):  # the build task runs eagerly after commit
        decisions.approve_pledge(pledge=joining, by=programme_team_member)
    after = services.current_directory()
    assert (after.pk, after.version) == (before.pk, before.version + 1)  # incremental: the same snapshot
    assert names_listed_in(client.get(path)) == ["Avon Joining", "Avon Steady"]

    with django_capture_on_commit_callbacks(execute=True):
        decisions.withdraw_pledge(pledge=joining, by=programme_team_member, reason="They asked us to.")
    assert names_listed_in(client.get(path)) == ["Avon Steady"]


def test_a_signed_in_partner_never_gets_the_anonymous_page(client, steady, public_pages):
    member = MembershipFactory(organisation=steady.organisation, user__email="jo@avon.example").user
    for path in public_pages:
        client.logout()
        client.get(path)
        anonymous = client.get(path)
        assert is_cached(anonymous)
        assert "Sign in" in anonymous.content.decode()

        client.force_login(member)
        signed_in = client.get(path, headers={"If-None-Match": anonymous["ETag"]})
        assert signed_in.status_code == 200, path  # never a 304 on the strength of the anonymous page
        assert not is_cached(signed_in), path
        assert "jo@avon.example" in signed_in.content.decode(), path
        assert "ETag" not in signed_in
        assert "Cookie" in signed_in["Vary"]


def test_an_anonymous_visitor_never_gets_a_page_rendered_for_someone_signed_in(client, steady, public_pages):
    member = MembershipFactory(organisation=steady.organisation, user__email="jo@avon.example").user
    for path in public_pages:
        client.force_login(member)
        assert "jo@avon.example" in client.get(path).content.decode()
        client.logout()
        client.cookies.clear()
        for _ in range(2):  # rendered for the visitor, then from the cache
            html = client.get(path).content.decode()
            assert "jo@avon.example" not in html, path
            assert "Sign out" not in html, path
            assert "csrfmiddlewaretoken" not in html, path


def test_a_visitor_with_a_session_or_flash_messages_gets_a_page_of_their_own(client, steady):
    # A session may be signed in, or mid-way through signing in; messages must be shown once.
    client.cookies["sessionid"] = "not-a-session"
    client.get(DIRECTORY)
    assert not is_cached(client.get(DIRECTORY))
    client.cookies.clear()
    client.cookies["messages"] = "a-flash-message"
    client.get(DIRECTORY)
    assert not is_cached(client.get(DIRECTORY))


def test_anonymous_pages_carry_no_vary_cookie_and_must_be_revalidated(client, public_pages):
    for path in public_pages:
        for response in (client.get(path), client.get(path)):  # rendered, then cached
            assert "Cookie" not in response.get("Vary", ""), path
            assert "Set-Cookie" not in response, path
            assert "public" in response["Cache-Control"], path
            assert "no-cache" in response["Cache-Control"], path


def test_a_conditional_get_answers_304_until_the_directory_changes(client, steady, public_pages):
    for path in public_pages:
        first = client.get(path)
        assert first["ETag"] and first["Last-Modified"]
        again = client.get(path, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304, path
        assert again.content == b""
        assert again["ETag"] == first["ETag"]

    first = client.get(DIRECTORY)
    services.build_partners([steady.organisation_id])
    changed = client.get(DIRECTORY, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_badges_are_cached_with_their_own_cache_control(client, steady):
    path = reverse("directory:badge_svg", kwargs={"slug": "avon-steady"})
    first, second = client.get(path), client.get(path)
    assert second.content == first.content
    assert is_cached(second)
    assert second["Content-Type"] == "image/svg+xml"
    assert second["Access-Control-Allow-Origin"] == "*"
    assert "max-age=3600" in second["Cache-Control"]


def library_shows(client, path, name):
    response = client.get(path)
    assert response.status_code == 200, path
    return name in response.content.decode()


@pytest.mark.parametrize("path", [LIBRARY, LIBRARY_FILTERED, LIBRARY_SEARCHED])
def test_a_cached_library_page_and_its_files_show_an_approval_and_a_withdrawal_at_once(
    client, steady, programme_team_member, django_capture_on_commit_callbacks, path
):
    for _ in range(2):  # rendered, then from the cache
        assert library_shows(client, path, "Avon Steady")
        assert not library_shows(client, path, "Avon Joining")
    files = {file: client.get(file, headers={"Accept-Encoding": "gzip"}) for file in LIBRARY_FILES}
    joining = PledgeFactory(submitted=True, organisation__name="Avon Joining")
    action = Action.objects.filter(pledge=joining).order_by("number").first()
    action_page = reverse("directory:action", args=[action.pk])
    assert client.get(action_page).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):  # the build task runs eagerly after commit
        decisions.approve_pledge(pledge=joining, by=programme_team_member)
    assert library_shows(client, path, "Avon Joining")
    assert library_shows(client, action_page, action.title)
    for file, before in files.items():
        # The old ETag no longer matches: the file changed, and says so.
        response = client.get(file, headers={"If-None-Match": before["ETag"], "Accept-Encoding": "gzip"})
        assert response.status_code == 200, file
        assert response["ETag"] != before["ETag"]
        assert b"Avon Joining" in gzip.decompress(file_body(response))
        assert b"Avon Joining" not in gzip.decompress(file_body(before))

    with django_capture_on_commit_callbacks(execute=True):
        decisions.withdraw_pledge(pledge=joining, by=programme_team_member, reason="They asked us to.")
    assert not library_shows(client, path, "Avon Joining")
    assert library_shows(client, path, "Avon Steady")
    assert client.get(action_page).status_code == 404
    data = json.loads(file_body(client.get(LIBRARY_FILES[0])))
    assert {action["partner"]["name"] for action in data["actions"]} == {"Avon Steady"}


def test_the_library_files_answer_304_from_the_cache_without_reading_the_database(
    client, steady, django_assert_num_queries
):
    for path in LIBRARY_FILES:
        first = client.get(path)
        assert first["ETag"] == f'"{services.current_directory().identity}"'
        with django_assert_num_queries(0):
            again = client.get(path, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304, path
        assert again["Access-Control-Allow-Origin"] == "*"


# A bounded cache of its own -----------------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="module")
def page_redis():
    """A Redis of the page cache's own, bounded and evicting, as docs/caching.md configures it."""
    with RedisServer("--maxmemory", "8mb", "--maxmemory-policy", "allkeys-lru") as server:
        yield server


@pytest.fixture
def redis_caches(settings, page_redis):
    """The default cache on the shared Redis (as the broker's), the page cache on its own: as in production.

    Yields Redis clients for (default, pages).
    """
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": page_redis.url()},
    }
    default, pages = redis.Redis.from_url(REDIS_URL), redis.Redis.from_url(page_redis.url())
    clear_cache(REDIS_URL)
    pages.flushdb()
    yield default, pages
    clear_cache(REDIS_URL)
    pages.flushdb()


def stored_pages(pages):
    return list(pages.scan_iter(match="*directory:page:*"))


def default_cache_contents(default):
    """Every key and value Django keeps in the default cache, but the current snapshot's identity."""
    return {
        key: default.get(key)
        for key in default.scan_iter(match=":1:*")
        if not key.endswith(current.CURRENT_KEY.encode())
    }


def test_parameters_the_page_does_not_read_are_left_out_so_300_campaign_links_store_one_page(
    client, steady, redis_caches
):
    _, pages = redis_caches
    home = reverse("pages:home")
    plain = client.get(home)
    for _ in range(300):
        response = client.get(home, {"utm_source": secrets.token_hex(8), "ref": "newsletter"})
        assert response.status_code == 200
        assert is_cached(response)
        assert response.content == plain.content
    assert len(stored_pages(pages)) == 1


def test_a_search_with_unknown_parameters_is_the_search_without_them(client, steady, redis_caches):
    _, pages = redis_caches
    searched = client.get(SEARCHED)
    tracked = client.get(SEARCHED + "&utm_campaign=spring&fbclid=abc&page=1&page=")
    assert names_listed_in(tracked) == names_listed_in(searched) == ["Avon Steady"]
    assert "utm_campaign" not in tracked.content.decode()  # nor in the links the page gives
    assert len(stored_pages(pages)) == 2  # ?q=avon, and ?q=avon&page=


def test_a_repeated_parameter_is_read_last_by_the_view_and_by_the_cache_key(client, redis_caches):
    directory_partner("Avon First")
    directory_partner("Avon Second")
    services.build_directory()

    assert names_listed_in(client.get(DIRECTORY + "?q=first&q=second")) == ["Avon Second"]
    assert names_listed_in(client.get(DIRECTORY + "?q=second&q=first")) == ["Avon First"]
    assert names_listed_in(client.get(DIRECTORY + "?q=first")) == ["Avon First"]
    assert is_cached(client.get(DIRECTORY + "?q=second&q=first"))
    assert is_cached(client.get(DIRECTORY + "?q=second"))  # the same page as ?q=first&q=second


def test_a_flood_of_searches_stores_no_more_pages_than_the_cap_and_leaves_the_default_cache_alone(
    client, steady, redis_caches, settings
):
    default, pages = redis_caches
    settings.PAGE_CACHE_MAX_VARIANTS = 25
    client.post(reverse("account_login"), {"login": "jo@example.org", "password": "a-wrong-guess"})
    before = default_cache_contents(default)
    assert any(key.startswith(b":1:allauth:rl:") for key in before)  # the failed sign-in, counted

    for _ in range(100):  # four times the cap
        assert client.get(DIRECTORY, {"q": secrets.token_hex(6)}).status_code == 200

    assert len(stored_pages(pages)) == 25
    beyond = DIRECTORY + "?q=beyond-the-cap"
    assert names_listed_in(client.get(beyond)) == []  # rendered all the same
    assert not is_cached(client.get(beyond))
    client.get(LIBRARY + "?q=avon")
    assert is_cached(client.get(LIBRARY + "?q=avon"))  # each path has a cap of its own
    assert default_cache_contents(default) == before
