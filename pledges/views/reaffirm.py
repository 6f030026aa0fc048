"""A partner reaffirms a new wording of the pledge on one page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from pledge_portal.errors import NotAllowed
from pledges.forms import ReaffirmForm
from pledges.models import Pledge, PledgeVersion
from pledges.services import versions
from pledges.wording import compare_versions


class ReaffirmView(LoginRequiredMixin, TemplateView):
    """One page: the new wording in full, what changed, and the typed declaration."""

    template_name = "pledges/partner/reaffirm.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.pledge = get_object_or_404(
            Pledge.objects.for_member(request.user)
            .filter(status=Pledge.Status.APPROVED)
            .select_related("organisation", "version"),
            pk=kwargs["pk"],
        )
        if not versions.may_reaffirm(self.pledge, request.user):
            raise PermissionDenied("Only the partner's signatory can reaffirm its pledge.")
        self.version = PledgeVersion.objects.current()
        if self.pledge.version.number >= self.version.number:
            messages.info(
                request, f"{self.pledge.organisation.name} has already reaffirmed the current wording."
            )
            return redirect("pledges:my_pledges")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, *, form=None, **kwargs):
        return super().get_context_data(
            pledge=self.pledge,
            version=self.version,
            commitments=list(self.version.commitments.all()),
            changes=[part for part in compare_versions(self.pledge.version, self.version) if part.is_changed],
            form=form or ReaffirmForm(name=self.request.user.name),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = ReaffirmForm(request.POST, name=request.user.name)
        if form.is_valid():
            try:
                versions.reaffirm_pledge(pledge=self.pledge, by=request.user, **form.cleaned_data)
            except NotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"Thank you. {self.pledge.organisation.name} has reaffirmed version "
                    f"{self.version.number} of the pledge.",
                )
                return redirect("pledges:my_pledges")
        return self.render_to_response(self.get_context_data(form=form))
