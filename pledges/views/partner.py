"""'Your pledge': a partner's own view of its pledges, and what it can do next."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.generic import ListView, TemplateView

from organisations.models import Membership
from outbox.models import BouncedAddress
from pledge_portal.errors import NotAllowed
from pledges import selectors
from pledges.models import Pledge, PledgeVersion, ReviewCycle
from pledges.services import signing


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
                    queryset=Membership.objects.seen_by(self.request.user)
                    .select_related("user")
                    .signatory_first(),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        current_version = PledgeVersion.objects.current()
        return super().get_context_data(
            current_version=current_version,
            # Approved pledges on an older wording that this person may reaffirm.
            may_reaffirm={
                pledge.pk
                for pledge in self.object_list
                if pledge.status == Pledge.Status.APPROVED
                and pledge.version.number < current_version.number
                and selectors.may_reaffirm(pledge, self.request.user)
            },
            decision_target_working_days=settings.DECISION_TARGET_WORKING_DAYS,
            email_bounce_reason=BouncedAddress.objects.reason_for(self.request.user.email),
            **kwargs,
        )


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
            organisation = signing.discard_draft(pledge=self.pledge, by=request.user)
        except NotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Your draft pledge for {organisation.name} is deleted.")
        return redirect("pledges:my_pledges")
