"""Whole public pages cached per snapshot: what an anonymous visitor gets is rendered once per change.

`cache_public_page` wraps a view. For an anonymous GET or HEAD it answers
from Django's cache (Redis in production, `CACHE_URL`) under a key made of the
current snapshot's identity and the request's path and normalised query, and
sends that identity as the ETag (answering If-None-Match with 304) and the
snapshot's render time as Last-Modified. A new snapshot, or an incremental
render of one partner, changes the identity, so every key turns over by
itself: nothing is ever deleted by hand.

Only visitors without a session or flash messages are served from, or stored
in, the cache; anyone signed in (or mid-way through signing in) gets a page
rendered for them alone, never stored. A response that set a cookie or used a
CSRF token is never stored either, so no cached page carries anyone's content.

Pages outside this app (home, the pledge) get the same through
`PublicPageCacheMiddleware`, which wraps the views named in the
`DIRECTORY_CACHED_PAGES` setting: the apps below the directory cannot import it.
"""

import hashlib
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from . import services

# Headers a view sets that belong to the page itself (the rest are added fresh on every response).
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Access-Control-Allow-Origin", "Cache-Control")
# A day: a cached page is useless once its snapshot moves on, and Redis evicts it long before.
PAGE_TIMEOUT = 24 * 60 * 60
# The current snapshot's identity, so a page served from the cache needs no query. Every render sets it
# once committed; requests only add it when missing. Short-lived, so a lost update heals by itself.
CURRENT_KEY = "directory:current"
CURRENT_TIMEOUT = 60


def snapshot_of(request):
    """The current snapshot, read once per request so every part of a response comes from the same render."""
    if not hasattr(request, "_directory_snapshot"):
        request._directory_snapshot = services.current_directory()
    return request._directory_snapshot


def publish_current(snapshot):
    """Tell every web process which snapshot is current; call once the render has committed."""
    cache.set(CURRENT_KEY, _identity(snapshot), CURRENT_TIMEOUT)


def current_identity(request):
    """(identity, rendered_at timestamp) of the current snapshot: from the cache, else from the database."""
    current = cache.get(CURRENT_KEY)
    if current is None:
        current = _identity(snapshot_of(request))
        cache.add(CURRENT_KEY, current, CURRENT_TIMEOUT)  # never over a newer one a render set meanwhile
    return current


def _identity(snapshot):
    return snapshot.identity, snapshot.rendered_at.timestamp()


def is_anonymous_visit(request):
    """Whether the request can be answered with the page every anonymous visitor gets.

    Decided from the cookies alone, without loading a session: a visitor with
    a session may be signed in, and one with flash messages must see them.
    """
    return request.method in ("GET", "HEAD") and not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get("messages")
    )


def normalised_query(request):
    """The query string with its parameters in a fixed order: ?b=2&a=1 and ?a=1&b=2 share a page."""
    return urlencode(sorted((key, value) for key, values in request.GET.lists() for value in values))


def page_key(request, identity):
    digest = hashlib.sha256(f"{request.path}?{normalised_query(request)}".encode()).hexdigest()
    return f"directory:page:{identity}:{digest}"


def cache_public_page(view):
    """Serve the view's page to anonymous visitors from the cache, keyed by the snapshot; see the module."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_anonymous_visit(request):
            return view(request, *args, **kwargs)
        identity, last_modified = current_identity(request)
        etag = f'"{identity}"'
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            key = page_key(request, identity)
            stored = cache.get(key)
            if stored is None:
                response = view(request, *args, **kwargs)
                stored = _storable(request, response)
                if stored is not None:
                    cache.set(key, stored, PAGE_TIMEOUT)
            else:
                response = _response(stored)
            _forget_session_access(request)
        if response.status_code in (200, 304):
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
            if "Cache-Control" not in response:
                # Browsers and proxies may keep it but must ask again each time: a visitor may have signed in.
                patch_cache_control(response, public=True, no_cache=True)
        return response

    return wrapper


def _storable(request, response):
    """(status, headers, content) to cache, or None when the page must not be shared."""
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if (
        response.status_code not in (200, 404, 410)
        or response.streaming
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    ):
        return None
    headers = {name: response[name] for name in KEPT_HEADERS if name in response}
    return response.status_code, headers, response.content


def _response(stored):
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _forget_session_access(request):
    # Rendering the base template asks whether the visitor is signed in, which reads the (empty) session
    # and would add "Vary: Cookie". This page is the same for every visitor without a session cookie, and
    # one with a cookie never gets it from a cache without asking us first (no-cache): the Vary is not needed.
    session = getattr(request, "session", None)
    if session is not None and not session.modified:
        session.accessed = False


class PublicPageCacheMiddleware:
    """Applies `cache_public_page` to the views named in settings.DIRECTORY_CACHED_PAGES ("pages:home")."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name not in settings.DIRECTORY_CACHED_PAGES:
            return None
        return cache_public_page(view_func)(request, *view_args, **view_kwargs)
