"""The public directory: the list of partners, each partner's page, open data, badges and certificates.

Every view reads the snapshot written by the build_directory task; none runs
the joins that build it (except once, on a cold start with no snapshot yet).
Anonymous visitors get the public pages from the cache (`caching.py`).
"""

from functools import wraps

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe
from django.views.generic import TemplateView

from organisations.models import OldSlug, Organisation
from pledges.models import Commitment, PledgeVersion

from . import build, certificates, open_data
from .caching import cache_public_page, snapshot_of
from .forms import DirectoryFilterForm
from .models import DirectoryEntry

PARTNERS_PER_PAGE = 20
# Open data may be cached for a few minutes by browsers and proxies; after that
# they revalidate with If-None-Match and usually get a 304.
OPEN_DATA_MAX_AGE = 5 * 60


_snapshot = snapshot_of
# What a list of partners never shows: loaded only on the partner's own page, or into the open-data files.
NOT_ON_CARDS = ("page", "record", "csv_row", "action_rows", "digest")


def _moved(request, slug, url_name):
    """301 from an address a partner had before a change of name to its current one, for good; else 404."""
    old = OldSlug.objects.filter(slug=slug).select_related("organisation").first()
    if old is None:
        raise Http404("No partner with that address is listed.")
    url = reverse(url_name, kwargs={"slug": old.organisation.slug})
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def follows_renames(url_name):
    """A view of one partner by slug that answers an old slug with a 301 to the same view's new address."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            try:
                return view(request, slug, *args, **kwargs)
            except Http404:
                return _moved(request, slug, url_name)

        return wrapper

    return decorator


def _listed_entry(request, slug):
    entry = _snapshot(request).entries.filter(slug=slug).first()
    if entry is None:
        raise Http404("No partner with that address is listed.")
    return entry


class PositionPaginator(Paginator):
    """Pages of the whole directory by the positions stored at build time: a range, not an OFFSET.

    Page n holds the entries at positions (n - 1) * per_page + 1 to n * per_page,
    read through the index on (snapshot, position) however deep the page.
    """

    def __init__(self, entries, per_page, *, count, position):
        super().__init__(entries, per_page)
        self.count = count  # the snapshot knows its size: no need to count the rows
        self.position = position

    def page(self, number):
        number = self.validate_number(number)
        first = (number - 1) * self.per_page
        entries = self.object_list.filter(
            **{f"{self.position}__gt": first, f"{self.position}__lte": first + self.per_page}
        )
        return self._get_page(entries, number, self)


# The query parameters a page of partners reads: the form's fields and the page number. It is given no other.
@method_decorator(cache_public_page(query=[*DirectoryFilterForm.base_fields, "page"]), name="dispatch")
class DirectoryView(TemplateView):
    template_name = "directory/directory.html"

    def get_context_data(self, **kwargs):
        snapshot = _snapshot(self.request)
        form = DirectoryFilterForm(self.request.GET or None, summary=snapshot.summary)
        search, filters, sort = form.criteria()
        partners = snapshot.entries.filtered(**filters).sorted_by(sort).defer(*NOT_ON_CARDS)
        similar = False
        if not (search or filters):
            paginator = PositionPaginator(
                partners,
                PARTNERS_PER_PAGE,
                count=snapshot.partner_count,
                position=DirectoryEntry.POSITION[sort],
            )
        else:
            paginator = Paginator(partners.search(search), PARTNERS_PER_PAGE)
            if search and not paginator.count:
                # Nothing contains the words typed: offer names like them, for typos ("Bristl").
                paginator, similar = Paginator(partners.similar_to(search), PARTNERS_PER_PAGE), True
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            snapshot=snapshot,
            summary=snapshot.summary,
            form=form,
            page_obj=page,
            partners=page.object_list,
            is_filtered=bool(search or filters),
            has_filters=bool(filters),
            search=search,
            similar=similar,
            **kwargs,
        )


@method_decorator(cache_public_page, name="dispatch")
class PartnerView(TemplateView):
    template_name = "directory/partner.html"

    def get(self, request, slug):
        snapshot = _snapshot(request)
        entry = snapshot.entries.filter(slug=slug).first()
        if entry is None:
            departure = snapshot.departures.filter(slug=slug).first()
            if departure is None:
                return _moved(request, slug, "directory:partner")
            return render(request, "directory/partner_gone.html", {"departure": departure}, status=410)
        return self.render_to_response(self.get_context_data(entry=entry, page=entry.page))


@method_decorator(cache_public_page, name="dispatch")
class OpenDataPageView(TemplateView):
    template_name = "directory/open_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            snapshot=_snapshot(self.request),
            kinds=Organisation.Kind.choices,
            sectors=Organisation.Sector.choices,
            statuses=build.STATUS_LABELS.items(),
            partner_columns=build.PARTNER_CSV_HEADER,
            action_columns=build.ACTIONS_CSV_HEADER,
            **kwargs,
        )


class PledgeVersionView(TemplateView):
    """Each published wording of the pledge in full, with its dates, so a partner's page can link to exactly
    what it signed."""

    template_name = "directory/pledge_version.html"

    def get_context_data(self, number, **kwargs):
        version = get_object_or_404(PledgeVersion.objects.published(), number=number)
        current = PledgeVersion.objects.current()
        replaced_by = PledgeVersion.objects.in_effect().filter(number__gt=number).order_by("number").first()
        return super().get_context_data(
            version=version,
            commitments=list(version.commitments.all()),
            is_current=version == current,
            replaced_by=replaced_by,
            **kwargs,
        )


def _open_data(filename, content_type):
    """A view serving one open-data file, as written to storage, with CORS and conditional GET.

    Clients that accept gzip get the gzip copy written beside it.
    """

    def etag(request):
        return _snapshot(request).content_hash

    def last_modified(request):
        return _snapshot(request).content_changed_at

    @require_safe
    @cors
    @cache_control(public=True, max_age=OPEN_DATA_MAX_AGE)
    @condition(etag_func=etag, last_modified_func=last_modified)
    def view(request):
        return open_data_file(request, filename, content_type)

    return view


def open_data_file(request, filename, content_type):
    """The current snapshot's file from storage: its gzip copy for clients that accept gzip."""
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = FileResponse(
        open_data.open_file(_snapshot(request), filename, gzipped=gzipped), content_type=content_type
    )
    if gzipped:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def cors(view):
    """Let any website read the response (open data and badges are public)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


partners_json = _open_data(open_data.PARTNERS_JSON, "application/json")
partners_csv = _open_data(open_data.PARTNERS_CSV, "text/csv; charset=utf-8")
actions_csv = _open_data(open_data.ACTIONS_CSV, "text/csv; charset=utf-8")


@cache_public_page
@require_safe
@cors
@cache_control(public=True, max_age=60 * 60)
@follows_renames("directory:badge_svg")
def badge_svg(request, slug):
    entry = _listed_entry(request, slug)
    return render(
        request,
        "directory/badge.svg",
        {"entry": entry, **certificates.badge_text(entry)},
        content_type="image/svg+xml",
    )


@cache_public_page
@require_safe
@cors
@cache_control(public=True, max_age=60 * 60)
@follows_renames("directory:badge_png")
def badge_png(request, slug):
    entry = _listed_entry(request, slug)
    return HttpResponse(certificates.badge_png(entry), content_type="image/png")


@require_safe
@follows_renames("directory:certificate")
def certificate_pdf(request, slug):
    entry = _listed_entry(request, slug)
    commitments = Commitment.objects.filter(version__number=entry.page["version"]).order_by("number")
    response = HttpResponse(
        certificates.certificate_pdf(entry, commitments=list(commitments)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="pledge-certificate-{entry.slug}.pdf"'
    return response
