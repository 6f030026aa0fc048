"""Whole public pages cached per snapshot: what an anonymous visitor gets is rendered once per change.

`cache_public_page` marks a view's pages as the same for every anonymous
visitor; `PublicPageCacheMiddleware` stores them in the page cache (the
"pages" cache, `PAGE_CACHE_URL`: in production a Redis of its own that evicts
the least recently used, docs/caching.md) under a key made of the current
snapshot's identity, the request's path and the query parameters the view
reads, and serves them from there before the session, CSRF and authentication
middleware run. They carry that identity
as the ETag (If-None-Match gets a 304) and the snapshot's build time as
Last-Modified. A new snapshot, or an incremental build of one partner,
changes the identity, so every key turns over by itself: nothing is ever
deleted by hand.

Only visitors without a session or flash messages are served from, or stored
in, the cache; anyone signed in (or mid-way through signing in) gets a page
rendered for them alone, never stored. A response that sets a cookie (a CSRF
token used, say) is never stored either, so no cached page carries anyone's content.

Pages outside this app (home, the pledge) are marked by the middleware itself,
from the `DIRECTORY_CACHED_PAGES` setting: the apps below the directory cannot
import it.

A flood of made-up query strings cannot fill the cache. A view declares the
query parameters it reads (`cache_public_page(query=...)`); it is given only
those, each once with its last value as Django's forms read it, and its pages
are keyed by exactly those, so `?utm_source=...` is the page without it. Each
path stores at most PAGE_CACHE_MAX_VARIANTS pages per snapshot; past that its
pages are rendered but not stored.
"""

import hashlib
from collections import namedtuple
from functools import partial, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.connection import ConnectionProxy
from django.utils.http import http_date

from . import services
from .current import CURRENT_KEY, CURRENT_TIMEOUT, identity_of

# The pages themselves and their counts, in a cache that may evict them; the current snapshot's identity
# stays in the default cache, shared by every process and never evicted.
pages = ConnectionProxy(caches, "pages")
# A day: a cached page is useless once its snapshot moves on, and the page cache evicts the least used first.
PAGE_TIMEOUT = 24 * 60 * 60

# Where a page is stored, and the count of pages stored for its path under the same snapshot.
PublicPage = namedtuple("PublicPage", ["key", "count_key"])


def snapshot_of(request):
    """The current snapshot, read once per request so every part of a response comes from the same build."""
    if not hasattr(request, "_directory_snapshot"):
        request._directory_snapshot = services.current_directory()
    return request._directory_snapshot


def current_identity(request):
    """(identity, built_at timestamp) of the current snapshot: from the cache, else from the database."""
    current = cache.get(CURRENT_KEY)
    if current is None:
        current = identity_of(snapshot_of(request))
        cache.add(CURRENT_KEY, current, CURRENT_TIMEOUT)  # never over a newer one a build set meanwhile
    return current


def is_anonymous_visit(request):
    """Whether the request can be answered with the page every anonymous visitor gets.

    Decided from the cookies alone, without loading a session: a visitor with
    a session may be signed in, and one with flash messages must see them.
    """
    return request.method in ("GET", "HEAD") and not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get("messages")
    )


def read_query(query, parameters):
    """The `parameters` a view reads from `query` (a QueryDict), and no other, each once.

    Each keeps its last value, as Django's forms and `QueryDict.get` read it, and they come in the order of
    `parameters`: ?b=2&a=1 and ?a=1&b=2 are one page, ?q=a&q=b and ?q=b&q=a two.
    """
    read = QueryDict(mutable=True)
    for name in parameters:
        if name in query:
            read[name] = query[name]
    read._mutable = False
    return read


def public_page(request, identity):
    """Where the page for this request (its GET already narrowed by `read_query`) is stored, and counted."""
    path = hashlib.sha256(request.path.encode()).hexdigest()
    page = hashlib.sha256(f"{request.path}?{urlencode(list(request.GET.items()))}".encode()).hexdigest()
    return PublicPage(f"directory:page:{identity}:{page}", f"directory:variants:{identity}:{path}")


def cache_public_page(view=None, *, query=()):
    """Mark the view's pages for anonymous visitors as shared, keyed by the snapshot; see the module.

    `query` names the query parameters the view reads: it is given those alone
    (any other is dropped, a repeated one keeps its last value), and its pages
    are keyed by them. The view answers If-None-Match with a 304 and renders on
    a miss; the middleware, further out, stores the finished response and serves it next time.
    """
    if view is None:
        return partial(cache_public_page, query=query)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.GET = read_query(request.GET, query)
        if not is_anonymous_visit(request):
            return view(request, *args, **kwargs)
        identity, last_modified = current_identity(request)
        etag = f'"{identity}"'
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            response.public_page = public_page(request, identity)
            _forget_session_access(request)
        if response.status_code in (200, 304):
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
            if "Cache-Control" not in response:
                # Browsers and proxies may keep it but must ask again each time: a visitor may have signed in.
                patch_cache_control(response, public=True, no_cache=True)
        return response

    # Read by the middleware, before the view runs, to find the page; carried by as_view() and @wraps.
    wrapper.public_page_query = tuple(query)
    return wrapper


def _forget_session_access(request):
    # Rendering the base template asks whether the visitor is signed in, which reads the (empty) session
    # and would add "Vary: Cookie". This page is the same for every visitor without a session cookie, and
    # one with a cookie never gets it from a cache without asking us first (no-cache): the Vary is not needed.
    session = getattr(request, "session", None)
    if session is not None and not session.modified:
        session.accessed = False


class PublicPageCacheMiddleware:
    """Serves shared pages from the cache before the session, CSRF and authentication middleware run.

    Placed just after WhiteNoise: an anonymous GET whose page is in the cache
    under the current snapshot's identity is answered here (a 304 if the ETag
    matches), as cheaply as a static file. On the way out it stores the
    finished response of a view marked with `cache_public_page` (the views
    named in settings.DIRECTORY_CACHED_PAGES are marked here, in process_view),
    with the headers the inner middleware added, unless it sets a cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        anonymous = is_anonymous_visit(request)
        # Only when a build has announced the identity: this path never reads the database.
        current = cache.get(CURRENT_KEY) if anonymous else None
        query = self.query_read_at(request.path_info) if current is not None else None
        if query is not None:
            request.GET = read_query(request.GET, query)
            stored = pages.get(public_page(request, current[0]).key)
            if stored is not None:
                return _response(request, stored)
        response = self.get_response(request)
        page = getattr(response, "public_page", None)
        if anonymous and page and request.method == "GET" and _shareable(response) and _room_for(page):
            pages.set(
                page.key, (response.status_code, dict(response.headers), response.content), PAGE_TIMEOUT
            )
        return response

    def query_read_at(self, path):
        """The query parameters the cached view at `path` reads, or None where no cached view answers."""
        try:
            match = resolve(path)
        except Resolver404:
            return None
        if match.view_name in settings.DIRECTORY_CACHED_PAGES:
            return ()
        return getattr(match.func, "public_page_query", None)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name not in settings.DIRECTORY_CACHED_PAGES:
            return None
        return cache_public_page(view_func)(request, *view_args, **view_kwargs)


def _room_for(page):
    """Count one more page stored for its path under this snapshot: whether it is within the cap.

    Atomic across processes (INCR in Redis). A page stored again after its
    eviction counts again: the cap errs towards storing fewer.
    """
    pages.add(page.count_key, 0, PAGE_TIMEOUT)
    try:
        return pages.incr(page.count_key) <= settings.PAGE_CACHE_MAX_VARIANTS
    except ValueError:  # evicted between the two
        return False


def _shareable(response):
    return response.status_code in (200, 410) and not response.streaming and not response.cookies


def _response(request, stored):
    status, headers, content = stored
    etag = headers.get("ETag")
    if status == 200 and etag and etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
        for name in ("ETag", "Last-Modified", "Cache-Control", "Access-Control-Allow-Origin"):
            if name in headers:
                response[name] = headers[name]
        return response
    response = HttpResponse(content, status=status)
    for name, value in headers.items():
        response[name] = value
    return response
