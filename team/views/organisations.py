"""The programme team's pages about organisations: requests to join that nobody can answer,
and changes of name waiting for its decision."""

from functools import cached_property

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, ListView, TemplateView

from accounts.mixins import ProgrammeTeamRequiredMixin
from organisations.models import JoinRequest, NameChange
from organisations.services import name_changes
from pledge_portal.errors import NotAllowed
from team.forms import NameChangeDecisionForm


class TeamJoinRequestsView(ProgrammeTeamRequiredMixin, ListView):
    """The programme team's list of requests to join organisations that have nobody to answer them."""

    template_name = "team/join_requests.html"
    context_object_name = "join_requests"

    def get_queryset(self):
        return JoinRequest.objects.for_team().select_related("organisation", "user").order_by("created_at")


class TeamNameChangesView(ProgrammeTeamRequiredMixin, TemplateView):
    """Changes of name waiting for the team's decision, and the latest decided."""

    template_name = "team/name_changes.html"

    def get_context_data(self, **kwargs):
        changes = NameChange.objects.select_related("organisation", "requested_by", "decided_by")
        return super().get_context_data(
            waiting=list(changes.filter(status=NameChange.Status.REQUESTED).order_by("requested_at", "pk")),
            decided=list(changes.exclude(status=NameChange.Status.REQUESTED).order_by("-decided_at")[:25]),
            **kwargs,
        )


class TeamNameChangeView(ProgrammeTeamRequiredMixin, FormView):
    """One change of name: what was asked and why, and the team's decision."""

    template_name = "team/name_change.html"
    form_class = NameChangeDecisionForm

    @cached_property
    def change(self):
        # Looked up only after the mixin has checked sign-in and team membership.
        return get_object_or_404(
            NameChange.objects.select_related("organisation", "requested_by", "decided_by"),
            pk=self.kwargs["change_id"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(change=self.change, **kwargs)

    def form_valid(self, form):
        try:
            if form.cleaned_data["decision"] == "approve":
                name_changes.approve_name_change(
                    change=self.change, by=self.request.user, note=form.cleaned_data["note"]
                )
                message = f"{self.change.old_name} is now {self.change.new_name}. We have emailed them."
            else:
                name_changes.decline_name_change(
                    change=self.change, by=self.request.user, note=form.cleaned_data["note"]
                )
                message = f"The new name for {self.change.old_name} is declined. We have emailed them."
        except NotAllowed as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect("team:name_changes")
