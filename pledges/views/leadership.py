"""A change of leader: start it (the partner's people or the team), and the new signatory's reaffirmation."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.generic import FormView

from organisations.models import Membership
from pledge_portal.errors import NotAllowed
from pledges.forms import ChooseNewSignatoryForm, ReaffirmAsSignatoryForm
from pledges.models import Pledge, SignatoryChange
from pledges.services import leadership


class StartSignatoryChangeView(LoginRequiredMixin, FormView):
    """The signatory, a contact or the programme team names the new signatory of an approved pledge."""

    template_name = "pledges/leadership/start.html"
    form_class = ChooseNewSignatoryForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def pledge(self):
        # The partner's own people, or the programme team; anyone else gets 404.
        user = self.request.user
        pledges = Pledge.objects.all() if user.is_programme_team else Pledge.objects.for_member(user)
        return get_object_or_404(
            pledges.filter(status=Pledge.Status.APPROVED).select_related("organisation"), pk=self.kwargs["pk"]
        )

    @cached_property
    def is_member(self):
        return Membership.objects.filter(
            organisation=self.pledge.organisation_id, user=self.request.user
        ).exists()

    def get_form_kwargs(self):
        # The people who act for this pledge now: never those of a period that ended before it.
        memberships = Membership.objects.filter(organisation=self.pledge.organisation_id).of_current_period()
        memberships = memberships.people()
        return {**super().get_form_kwargs(), "memberships": memberships}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pledge=self.pledge,
            waiting=self.pledge.signatory_changes.filter(status=SignatoryChange.Status.WAITING)
            .select_related("new_signatory")
            .first(),
            is_member=self.is_member,
            **kwargs,
        )

    def form_valid(self, form):
        new_signatory = form.cleaned_data["new_signatory"].user
        try:
            leadership.start_signatory_change(
                pledge=self.pledge, by=self.request.user, new_signatory=new_signatory
            )
        except NotAllowed as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if new_signatory == self.request.user:
            return redirect(leadership.reaffirm_path(self.pledge.signatory_changes.first()))
        messages.success(
            self.request,
            f"We have emailed {new_signatory.get_full_name() or new_signatory.email} a link to sign "
            f"for {self.pledge.organisation.name}.",
        )
        if not self.is_member:  # the programme team, from the pledge's team page
            return redirect("team:pledge", pk=self.pledge.pk)
        return redirect("pledges:my_pledges")


class ReaffirmAsSignatoryView(LoginRequiredMixin, FormView):
    """The new signatory reads the commitments in full and signs with a typed declaration."""

    template_name = "pledges/leadership/reaffirm.html"
    form_class = ReaffirmAsSignatoryForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def change(self):
        # Only the person named, while still one of the partner's people; anyone else gets 404.
        return get_object_or_404(
            SignatoryChange.objects.filter(
                Q(pledge__organisation__memberships__user=self.request.user),
                new_signatory=self.request.user,
                pledge_id=self.kwargs["pk"],
            ).select_related("pledge__organisation", "pledge__version", "started_by"),
            pk=self.kwargs["change_id"],
        )

    def get(self, request, *args, **kwargs):
        if (
            self.change.status != SignatoryChange.Status.WAITING
            or self.change.pledge.status != Pledge.Status.APPROVED
        ):
            messages.info(request, "This change of signatory is no longer waiting for you.")
            return redirect("pledges:my_pledges")
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        user = self.request.user
        return {"signatory_name": user.get_full_name()}

    def get_context_data(self, **kwargs):
        pledge = self.change.pledge
        return super().get_context_data(
            change=self.change,
            pledge=pledge,
            commitments=list(pledge.version.commitments.order_by("number")),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            leadership.complete_signatory_change(
                change=self.change, by=self.request.user, **form.cleaned_data
            )
        except NotAllowed as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"You are now the signatory for {self.change.pledge.organisation.name}. "
            "Thank you for reaffirming its commitments. We have told the programme team.",
        )
        return redirect("pledges:my_pledges")
