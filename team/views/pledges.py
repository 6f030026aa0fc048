"""The programme team's tools: its decisions on pledges, a pledge's page, the dashboard, exports."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from accounts.mixins import ProgrammeTeamRequiredMixin
from pledge_portal.errors import NotAllowed
from pledges.answers import changes_since_request
from pledges.forms import WithdrawForm
from pledges.models import Pledge
from pledges.services import decisions
from reviews.annual_report import compare_totals
from team import exports
from team import forms as team_forms
from team.checks import checks_for
from team.dashboard import build_dashboard

# The queue's tabs, in the order shown: the ?status= value, its label, the status it lists and that
# tab's order (oldest waiting first).
QUEUE_TABS = {
    "waiting": ("Waiting for a decision", Pledge.Status.SUBMITTED, ("submitted_at", "pk")),
    "changes_requested": (
        "Changes requested",
        Pledge.Status.CHANGES_REQUESTED,
        ("changes_requested_at", "pk"),
    ),
    "approved": ("Approved", Pledge.Status.APPROVED, ("-approved_at", "-pk")),
    "rejected": ("Not approved", Pledge.Status.REJECTED, ("-rejected_at", "-pk")),
    "withdrawn": ("Withdrawn", Pledge.Status.WITHDRAWN, ("-withdrawn_at", "-pk")),
}


class QueueView(ProgrammeTeamRequiredMixin, ListView):
    template_name = "team/queue.html"
    context_object_name = "pledges"
    paginate_by = 25

    def get_queryset(self):
        tab = self.request.GET.get("status")
        self.tab = tab if tab in QUEUE_TABS else "waiting"
        _, status, ordering = QUEUE_TABS[self.tab]
        return Pledge.objects.filter(status=status).order_by(*ordering).with_queue_details()

    def get_context_data(self, **kwargs):
        counts = Pledge.objects.count_by_status()
        tabs = [
            {
                "slug": slug,
                "label": label,
                "count": counts.get(status, 0),
                "url": f"{reverse('team:queue')}?status={slug}",
                "is_current": slug == self.tab,
            }
            for slug, (label, status, _) in QUEUE_TABS.items()
        ]
        current = next(tab for tab in tabs if tab["is_current"])
        return super().get_context_data(
            tab=self.tab,
            tabs=tabs,
            current_tab=current,
            decision_target_days=settings.DECISION_TARGET_WORKING_DAYS,
            **kwargs,
        )


class PledgeDetailView(ProgrammeTeamRequiredMixin, DetailView):
    """Everything submitted, the team's checks, the history, notes, and the decisions open now."""

    template_name = "team/pledge.html"
    queryset = Pledge.objects.with_decision_details()
    context_object_name = "pledge"

    def get_context_data(self, *, failed_form=None, **kwargs):
        pledge = self.object
        events = list(pledge.events.all())
        forms = self.decision_forms(pledge)
        if failed_form is not None:
            forms[failed_form.prefix] = failed_form
        return super().get_context_data(
            checks=checks_for(pledge),
            people=pledge.people_with_bounces(),
            history=[event for event in events if event.kind != event.Kind.NOTE],
            notes=[event for event in events if event.kind == event.Kind.NOTE],
            signed_it_yourself=pledge.created_by_id == self.request.user.pk,
            changes=changes_since_request(pledge) if pledge.status == Pledge.Status.SUBMITTED else None,
            decision_forms=forms,
            # base.html marks the page title "Error:" when the form just sent has errors.
            form=failed_form,
            **kwargs,
        )

    def decision_forms(self, pledge):
        """The forms for the decisions its status allows, and for a note, keyed by prefix."""
        names = (*pledge.decisions_allowed, "add_note")
        forms = {}
        for name in names:
            view = DECISION_VIEWS[name]
            form = view.form_class(prefix=view.prefix)
            form.helper.form_action = reverse(f"team:{name}", args=[pledge.pk])
            forms[view.prefix] = form
        return forms


class DecisionView(ProgrammeTeamRequiredMixin, View):
    """POST only: validate the form, call one service, and go back to the pledge's page."""

    http_method_names = ["post"]
    form_class = None
    prefix = ""
    service = None
    success_message = ""

    def post(self, request, pk):
        pledge = get_object_or_404(Pledge, pk=pk)
        form = self.form_class(request.POST, prefix=self.prefix)
        if not form.is_valid():
            return self.show_errors(form)
        try:
            self.service(pledge=pledge, by=request.user, **form.cleaned_data)
        except NotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.success_message)
        return redirect("team:pledge", pk=pledge.pk)

    def show_errors(self, form):
        """Show the pledge's page again with this form's errors and everything typed kept."""
        form.helper.form_action = self.request.path
        page = PledgeDetailView()
        page.setup(self.request, pk=self.kwargs["pk"])
        page.object = page.get_object()
        return page.render_to_response(page.get_context_data(failed_form=form))


class ApproveView(DecisionView):
    form_class = team_forms.ApproveForm
    prefix = "approve"
    success_message = "Pledge approved. The signatory has been emailed and the partner joins the directory."
    service = staticmethod(decisions.approve_pledge)


class RequestChangesView(DecisionView):
    form_class = team_forms.RequestChangesForm
    prefix = "changes"
    success_message = "Changes requested. The signatory has been emailed your message."
    service = staticmethod(decisions.request_changes)


class RejectView(DecisionView):
    form_class = team_forms.RejectForm
    prefix = "reject"
    success_message = "Pledge not approved. The signatory has been emailed the reason."
    service = staticmethod(decisions.reject_pledge)


class WithdrawView(DecisionView):
    form_class = WithdrawForm
    prefix = "withdraw"
    success_message = "Pledge withdrawn. The signatory has been emailed and the partner leaves the directory."
    service = staticmethod(decisions.withdraw_pledge)


class ReinstateView(DecisionView):
    form_class = team_forms.ReinstateForm
    prefix = "reinstate"
    success_message = (
        "Pledge reinstated. The signatory has been emailed and the partner is back in the directory."
    )
    service = staticmethod(decisions.reinstate_pledge)


class AddNoteView(DecisionView):
    form_class = team_forms.InternalNoteForm
    prefix = "note"
    success_message = "Note added. Only the programme team can see it."
    service = staticmethod(decisions.add_internal_note)


DECISION_VIEWS = {
    "approve": ApproveView,
    "request_changes": RequestChangesView,
    "reject": RejectView,
    "withdraw": WithdrawView,
    "reinstate": ReinstateView,
    "add_note": AddNoteView,
}


class DashboardView(ProgrammeTeamRequiredMixin, TemplateView):
    template_name = "team/dashboard.html"

    def get_context_data(self, **kwargs):
        year = timezone.localdate().year
        report = {"year": year, "totals": compare_totals(year=year)}
        return super().get_context_data(**build_dashboard(), report=report, **kwargs)


class ExportView(ProgrammeTeamRequiredMixin, View):
    http_method_names = ["get", "head"]
    filename = ""
    header = ()
    rows = None

    def get(self, request):
        return exports.stream_csv(filename=self.filename, header=self.header, rows=self.rows())


class PartnersExportView(ExportView):
    filename = "partners"
    header = exports.PARTNERS_HEADER
    rows = staticmethod(exports.partner_rows)


class ActionsExportView(ExportView):
    filename = "actions"
    header = exports.ACTIONS_HEADER
    rows = staticmethod(exports.action_rows)


class DecisionsExportView(ExportView):
    filename = "decisions"
    header = exports.DECISIONS_HEADER
    rows = staticmethod(exports.decision_rows)
