"""The signing journey after its first step: a leader answers the pledge, one step per page.

The first step, choosing or adding the organisation, is in starting.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from organisations.models import Organisation
from pledge_portal.errors import NotAllowed
from pledges import selectors
from pledges.forms import ActionForm, CommitmentsForm, DeclarationForm, SignatoryForm, WhatToShowForm
from pledges.models import ActionTheme, Pledge, PledgeVersion
from pledges.services import signing

# The steps of a started pledge, in order, by url name. The organisation step comes first.
STEPS = [
    "sign_about_you",
    "sign_commitments",
    "sign_actions",
    "sign_what_to_show",
    "sign_check",
    "sign_declaration",
]
STEP_FOR_MISSING_ANSWER = {
    "about_you": "sign_about_you",
    "commitments": "sign_commitments",
    "actions": "sign_actions",
    "what_to_show": "sign_what_to_show",
}


ACTION_NUMBERS = (1, 2)


def step_url(name, pledge):
    return reverse(f"pledges:{name}", kwargs={"pk": pledge.pk})


def action_url(pledge, number):
    return reverse("pledges:sign_action", kwargs={"pk": pledge.pk, "number": number})


def focus_field(form, name):
    """Put the cursor in the field a Change link on Check your answers names (`?field=title`)."""
    if name in form.fields:
        form.fields[name].widget.attrs["autofocus"] = True


def continue_url(pledge):
    """Where to pick an editable pledge up again: its first unanswered step, else Check your answers."""
    missing = selectors.missing_answers(pledge)
    if missing:
        return step_url(STEP_FOR_MISSING_ANSWER[missing[0][0]], pledge)
    return step_url("sign_check", pledge)


class PledgeStepMixin(LoginRequiredMixin):
    """A step of one pledge: members of its organisation only (404 for anyone else), while editable."""

    step = None  # this step's url name, for the Back link and the step count

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.pledge = get_object_or_404(
            Pledge.objects.for_member(request.user).select_related("organisation", "version"),
            pk=kwargs["pk"],
        )
        if not self.pledge.is_editable:
            if self.pledge.status == Pledge.Status.SUBMITTED:
                return redirect("pledges:sign_submitted", pk=self.pledge.pk)
            messages.info(request, "This pledge can no longer be changed here.")
            return redirect("pledges:my_pledges")
        return super().dispatch(request, *args, **kwargs)

    @property
    def returning_to_check(self):
        return self.request.GET.get("next") == "check"

    def next_url(self):
        if self.returning_to_check:
            return step_url("sign_check", self.pledge)
        return step_url(STEPS[STEPS.index(self.step) + 1], self.pledge)

    def back_url(self):
        if self.returning_to_check:
            return step_url("sign_check", self.pledge)
        index = STEPS.index(self.step)
        return step_url(STEPS[index - 1], self.pledge) if index else reverse("pledges:my_pledges")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pledge=self.pledge,
            back_url=self.back_url(),
            step_number=STEPS.index(self.step) + 2,  # the organisation was step 1
            step_count=len(STEPS) + 1,
            **kwargs,
        )


class ContinuePledgeView(PledgeStepMixin, View):
    """Take a person back to the first step of their pledge still to answer."""

    def get(self, request, pk):
        return redirect(continue_url(self.pledge))


class PledgeFormStepView(PledgeStepMixin, FormView):
    """A step with one form: valid answers go to the step's service, then on to the next step."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        focus_field(form, self.request.GET.get("field"))
        # Post to this address without the Change link's #field, which the next page would otherwise keep.
        form.helper.form_action = self.request.get_full_path()
        return form

    def form_valid(self, form):
        try:
            self.save(form)
        except NotAllowed as error:
            messages.error(self.request, str(error))
            return redirect("pledges:my_pledges")
        return redirect(self.next_url())


class AboutYouView(PledgeFormStepView):
    step = "sign_about_you"
    template_name = "pledges/signing/about_you.html"
    form_class = SignatoryForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.pledge}

    def save(self, form):
        signing.save_signatory(pledge=self.pledge, by=self.request.user, **form.cleaned_data)


class CommitmentsView(PledgeFormStepView):
    step = "sign_commitments"
    template_name = "pledges/signing/commitments.html"
    form_class = CommitmentsForm

    def get_initial(self):
        return {"agree": self.pledge.agreed_to_commitments_at is not None and self.version_is_current()}

    def version_is_current(self):
        return self.pledge.version_id == self.current_version.pk

    def dispatch(self, request, *args, **kwargs):
        self.current_version = PledgeVersion.objects.current()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            commitments=list(self.current_version.commitments.all()),
            wording_changed=self.pledge.agreed_to_commitments_at is not None
            and not self.version_is_current(),
            **kwargs,
        )

    def save(self, form):
        signing.agree_to_commitments(pledge=self.pledge, by=self.request.user)

    def next_url(self):
        return super().next_url() if self.returning_to_check else action_url(self.pledge, ACTION_NUMBERS[0])


class ActionView(PledgeStepMixin, FormView):
    """One action on its own page, with the pledge's examples above its fields.

    Valid answers save the action; invalid ones come back with their errors,
    and the parts that were valid are kept as a draft, as they are when the
    person chooses to save and come back later, or leaves the page by a link
    (static/js/save_on_leave.js sends the form as they go). Nothing typed is lost.
    """

    step = "sign_actions"
    template_name = "pledges/signing/action.html"
    form_class = ActionForm

    def dispatch(self, request, *args, **kwargs):
        if kwargs["number"] not in ACTION_NUMBERS:
            raise Http404
        self.number = kwargs["number"]
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "prefix": f"action-{self.number}",
            "version": self.pledge.version,
            "instance": self.pledge.actions.filter(cycle__isnull=True, number=self.number).first(),
            "initial": self.pledge.action_drafts.get(str(self.number), {}),
        }

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        focus_field(form, self.request.GET.get("field"))
        return form

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        valid = form.is_valid()
        if "save_on_leave" in request.POST:  # sent in the background as the person leaves the page
            self.save_draft(form)
            return HttpResponse(status=204)
        if "save_for_later" in request.POST:
            self.save_draft(form)
            messages.success(
                request, f"Action {self.number} is saved. Carry on from Your pledge when you are ready."
            )
            return redirect("pledges:my_pledges")
        return self.form_valid(form) if valid else self.form_invalid(form)

    def save_draft(self, form):
        try:
            signing.save_action_draft(
                pledge=self.pledge, by=self.request.user, number=self.number, answers=form.cleaned_data
            )
        except NotAllowed as error:
            messages.error(self.request, str(error))

    def form_valid(self, form):
        try:
            signing.save_action(
                pledge=self.pledge, by=self.request.user, number=self.number, answers=form.cleaned_data
            )
        except NotAllowed as error:
            messages.error(self.request, str(error))
            return redirect("pledges:my_pledges")
        return redirect(self.next_url())

    def form_invalid(self, form):
        self.save_draft(form)
        return super().form_invalid(form)

    def next_url(self):
        if self.returning_to_check:
            return step_url("sign_check", self.pledge)
        if self.number < ACTION_NUMBERS[-1]:
            return action_url(self.pledge, self.number + 1)
        return step_url("sign_actions", self.pledge)

    def back_url(self):
        if self.returning_to_check:
            return step_url("sign_check", self.pledge)
        if self.number > ACTION_NUMBERS[0]:
            return action_url(self.pledge, self.number - 1)
        return step_url("sign_commitments", self.pledge)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            number=self.number,
            examples=list(ActionTheme.objects.examples()),
            returning_to_check=self.returning_to_check,
            **kwargs,
        )


class ActionsSummaryView(PledgeStepMixin, TemplateView):
    """After action 2: both actions in short, each with a Change link, then on to what to show."""

    step = "sign_actions"
    template_name = "pledges/signing/actions.html"

    def back_url(self):
        return action_url(self.pledge, ACTION_NUMBERS[-1])

    def get_context_data(self, **kwargs):
        actions = {
            action.number: action
            for action in self.pledge.actions.filter(cycle__isnull=True).select_related("theme")
        }
        return super().get_context_data(
            actions=[
                (n, actions.get(n), action_url(self.pledge, n), str(n) in self.pledge.action_drafts)
                for n in ACTION_NUMBERS
            ],
            complete=sorted(actions) == list(ACTION_NUMBERS),
            next_url=self.next_url(),
            **kwargs,
        )


class WhatToShowView(PledgeFormStepView):
    step = "sign_what_to_show"
    template_name = "pledges/signing/what_to_show.html"
    form_class = WhatToShowForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.pledge,
            "has_logo": bool(self.pledge.organisation.logo),
        }

    def save(self, form):
        answers = {"show_logo": False} | form.cleaned_data  # not asked when there is no logo
        signing.save_what_to_show(pledge=self.pledge, by=self.request.user, **answers)


class CheckAnswersView(PledgeStepMixin, TemplateView):
    """Everything on one page, each part with a Change link that comes back here."""

    step = "sign_check"
    template_name = "pledges/signing/check.html"

    def get_context_data(self, **kwargs):
        actions = list(
            self.pledge.actions.filter(cycle__isnull=True)
            .select_related("theme")
            .prefetch_related("commitments")
        )
        missing = selectors.missing_answers(self.pledge, draft_actions=actions)
        organisation = (
            Organisation.objects.prefetch_related("areas")
            .select_related("parent")
            .get(pk=self.pledge.organisation_id)
        )
        return super().get_context_data(
            organisation=organisation,
            actions=actions,
            missing=[
                (step_url(STEP_FOR_MISSING_ANSWER[step], self.pledge), message) for step, message in missing
            ],
            **kwargs,
        )


class DeclarationView(PledgeFormStepView):
    step = "sign_declaration"
    template_name = "pledges/signing/declaration.html"
    form_class = DeclarationForm

    def get(self, request, *args, **kwargs):
        if selectors.missing_answers(self.pledge):
            messages.info(request, "There are still some answers to give before you can sign.")
            return redirect("pledges:sign_check", pk=self.pledge.pk)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "name": self.pledge.signatory_name}

    def form_valid(self, form):
        try:
            signing.submit_pledge(pledge=self.pledge, by=self.request.user, **form.cleaned_data)
        except NotAllowed as error:
            self.pledge.refresh_from_db()
            if self.pledge.status == Pledge.Status.SUBMITTED:
                # A second click, or a resubmitted page: the first one already submitted it.
                return redirect("pledges:sign_submitted", pk=self.pledge.pk)
            messages.error(self.request, str(error))
            return redirect("pledges:sign_check", pk=self.pledge.pk)
        return redirect("pledges:sign_submitted", pk=self.pledge.pk)


class SubmittedView(LoginRequiredMixin, TemplateView):
    """The confirmation: the reference, what happens next, and how long a decision usually takes."""

    template_name = "pledges/signing/submitted.html"

    def get(self, request, pk):
        self.pledge = get_object_or_404(
            Pledge.objects.for_member(request.user).select_related("organisation"), pk=pk
        )
        if self.pledge.is_editable:
            return redirect("pledges:sign_continue", pk=pk)
        return super().get(request, pk=pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pledge=self.pledge,
            decision_target_working_days=settings.DECISION_TARGET_WORKING_DAYS,
            **kwargs,
        )
