"""'Your pledge': a partner's own view of its pledges, and what it can do next."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, ListView, TemplateView

from organisations.forms import OrganisationDetailsForm
from organisations.models import Membership, Organisation
from organisations.services import update_organisation
from pledges import services
from pledges.models import BouncedAddress, Pledge, ReviewCycle


class MyPledgesView(LoginRequiredMixin, ListView):
    template_name = "pledges/partner/my_pledges.html"
    context_object_name = "pledges"

    def get_queryset(self):
        return (
            Pledge.objects.for_member(self.request.user)
            .select_related("organisation", "version", "rejection_reason")
            .prefetch_related(
                Prefetch("cycles", queryset=ReviewCycle.objects.prefetch_related("actions")),
                Prefetch(
                    "organisation__memberships",
                    queryset=Membership.objects.select_related("user").signatory_first(),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            review_target_working_days=settings.REVIEW_TARGET_WORKING_DAYS,
            email_bounce_reason=BouncedAddress.objects.reason_for(self.request.user.email),
            **kwargs,
        )


class EditOrganisationView(LoginRequiredMixin, FormView):
    """A member edits their organisation's details (not its name), and the directory is re-rendered."""

    template_name = "pledges/partner/edit_organisation.html"
    form_class = OrganisationDetailsForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = get_object_or_404(Organisation.objects.for_member(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.organisation}

    def return_url(self):
        url = self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(url, allowed_hosts={self.request.get_host()}):
            return url
        return "/my/"

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, back_url=self.return_url(), **kwargs)

    def form_valid(self, form):
        update_organisation(organisation=self.organisation, by=self.request.user, **form.service_arguments())
        messages.success(self.request, f"Your changes to {self.organisation.name}'s details are saved.")
        return redirect(self.return_url())


class DiscardDraftView(LoginRequiredMixin, TemplateView):
    """Delete a never-submitted draft, after a confirmation page. Only POST deletes."""

    template_name = "pledges/partner/discard_draft.html"

    @cached_property
    def pledge(self):
        return get_object_or_404(
            Pledge.objects.for_member(self.request.user)
            .filter(status=Pledge.Status.DRAFT)
            .select_related("organisation"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(pledge=self.pledge, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            organisation = services.discard_draft(pledge=self.pledge, by=request.user)
        except services.PledgeStateError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Your draft pledge for {organisation.name} is deleted.")
        return redirect("pledges:my_pledges")
