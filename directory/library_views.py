"""The actions library: what partners are doing, searchable, each action's story, and its open data.

Every view reads the directory's current snapshot (its LibraryAction rows), never the live tables.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe
from django.views.generic import TemplateView

from .build import STATUS_LABELS
from .forms import LibraryFilterForm
from .views import OPEN_DATA_MAX_AGE, _snapshot, cors

ACTIONS_PER_PAGE = 20


def _labelled(rows):
    for row in rows:
        row.progress_label = STATUS_LABELS[row.progress]
    return rows


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


class ActionView(TemplateView):
    """One action's page: its story across the years, when the partner continued it."""

    template_name = "directory/actions/action.html"

    def get_context_data(self, pk, **kwargs):
        snapshot = _snapshot(self.request)
        action = snapshot.library.filter(action_id=pk).first()
        if action is None:
            raise Http404("No published action has that number.")
        story = _labelled(list(snapshot.library.story_of(action)))
        return super().get_context_data(
            action=next(row for row in story if row.action_id == action.action_id),
            story=story,
            latest=story[-1],
            **kwargs,
        )


def _library_file(field, content_type, filename):
    """A view serving one of the library's precomputed open-data files, with CORS and conditional GET."""

    def etag(request):
        return _snapshot(request).summary.get("library", {}).get("hash")

    def last_modified(request):
        return _snapshot(request).data_as_of

    @require_safe
    @cors
    @cache_control(public=True, max_age=OPEN_DATA_MAX_AGE)
    @condition(etag_func=etag, last_modified_func=last_modified)
    def view(request):
        response = HttpResponse(getattr(_snapshot(request), field), content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response

    return view


actions_json = _library_file("library_json", "application/json", "actions.json")
actions_csv = _library_file("library_csv", "text/csv; charset=utf-8", "actions.csv")
