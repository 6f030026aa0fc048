"""A partner withdrawing its own approved pledge from "Your pledge"."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views.generic import FormView

from pledge_portal.errors import NotAllowed
from pledges.forms import PartnerWithdrawForm
from pledges.models import Pledge
from pledges.services import decisions


# The page shows freely; sending it asks for the password first (allauth keeps the form meanwhile).
@method_decorator(reauthentication_required(allow_get=True), name="post")
class WithdrawOwnPledgeView(LoginRequiredMixin, FormView):
    template_name = "pledges/partner/withdraw.html"
    form_class = PartnerWithdrawForm

    @cached_property
    def pledge(self):
        # Only members of the pledge's organisation may see this page; anyone else gets 404.
        return get_object_or_404(
            Pledge.objects.for_member(self.request.user).select_related("organisation"), pk=self.kwargs["pk"]
        )

    def get(self, request, *args, **kwargs):
        if "withdraw" not in self.pledge.decisions_allowed:
            messages.info(request, "Only an approved pledge can be withdrawn.")
            return redirect("pledges:my_pledges")
        return super().get(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # After the password check, allauth shows this form at its own address: post it back here.
        form.helper.form_action = self.request.path
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(pledge=self.pledge, **kwargs)

    def form_valid(self, form):
        try:
            decisions.withdraw_own_pledge(
                pledge=self.pledge, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except NotAllowed as exc:
            messages.error(self.request, str(exc))
        else:
            messages.success(
                self.request,
                f"The pledge for {self.pledge.organisation.name} is withdrawn. "
                "We have emailed you to confirm, and it leaves the list of partners within a few minutes.",
            )
        return redirect("pledges:my_pledges")
