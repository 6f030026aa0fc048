"""The actions library: what partners are doing, searchable, each action's story, and its open data.

Every view reads the directory's current snapshot (its LibraryAction rows), never the live tables.
Anonymous visitors get the pages from the cache (`caching.py`), and the files from storage (`open_data.py`).
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe
from django.views.generic import TemplateView

from . import open_data
from .build import STATUS_LABELS
from .caching import cache_public_page
from .forms import LibraryFilterForm
from .views import OPEN_DATA_MAX_AGE, _snapshot, cors, open_data_file

ACTIONS_PER_PAGE = 20


def _labelled(rows):
    for row in rows:
        row.progress_label = STATUS_LABELS[row.progress]
    return rows


# The query parameters a page of actions reads: the form's fields and the page number. It is given no other.
@method_decorator(cache_public_page(query=[*LibraryFilterForm.base_fields, "page"]), name="dispatch")
class LibraryView(TemplateView):
    template_name = "directory/actions/library.html"

    def get_context_data(self, **kwargs):
        snapshot = _snapshot(self.request)
        summary = snapshot.summary.get("library", {})
        form = LibraryFilterForm(self.request.GET or None, summary=summary)
        search, filters, sort = form.criteria()
        actions = snapshot.library.filtered(**filters).search(search).sorted_by(sort)
        paginator = Paginator(actions, ACTIONS_PER_PAGE)
        if not (search or filters):
            paginator.count = summary.get("count", 0)  # the snapshot knows its size: no count query
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            snapshot=snapshot,
            form=form,
            page_obj=page,
            actions=_labelled(list(page.object_list)),
            total=summary.get("count", 0),
            is_filtered=bool(search or filters),
            search=search,
            **kwargs,
        )


@method_decorator(cache_public_page, name="dispatch")
class ActionView(TemplateView):
    """One action's page: its story across the years, when the partner continued it."""

    template_name = "directory/actions/action.html"

    def get_context_data(self, pk, **kwargs):
        snapshot = _snapshot(self.request)
        action = snapshot.library.filter(action_id=pk).first()
        if action is None:
            raise Http404("No action shown in the library has that number.")
        story = _labelled(list(snapshot.library.story_of(action)))
        return super().get_context_data(
            action=next(row for row in story if row.action_id == action.action_id),
            story=story,
            latest=story[-1],
            **kwargs,
        )


def _library_file(filename, content_type):
    """A view serving one of the library's open-data files, as written to storage for the current snapshot.

    Like the partners' files (gzip when accepted, CORS, conditional GET), but dated and tagged by the
    snapshot's identity, as the cached pages are: its rows change with every build.
    """

    def etag(request):
        return _snapshot(request).identity

    def last_modified(request):
        return _snapshot(request).built_at

    # CORS outermost, so a 304 from the cache's check carries it too.
    @cors
    @cache_public_page
    @require_safe
    @cache_control(public=True, max_age=OPEN_DATA_MAX_AGE)
    @condition(etag_func=etag, last_modified_func=last_modified)
    def view(request):
        return open_data_file(request, filename, content_type)

    return view


actions_json = _library_file(open_data.LIBRARY_JSON, "application/json")
actions_csv = _library_file(open_data.LIBRARY_CSV, "text/csv; charset=utf-8")
