"""The annual review: a partner reviews its two actions and sets the next two (the team's side is in `team`).

Every GET only shows a page (email scanners open the links in reminders);
every change is a POST that calls one service.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from pledge_portal.errors import NotAllowed
from pledges import calendar
from pledges.forms import ActionForm
from pledges.models import Action, ReviewCycle

from . import services
from .forms import (
    ActionProgressForm,
    ContinueActionForm,
    ReviewMessageForm,
    ShowProgressForm,
    SubmitReviewForm,
)

# The steps of a review, in order: (url name, action number or None). Check your answers follows them.
STEPS = [
    ("progress", 1),
    ("progress", 2),
    ("message", None),
    ("next_action", 1),
    ("next_action", 2),
    ("show_progress", None),
]
# Each step the partner has still to answer: what to tell them, and the page that asks it.
MISSING_STEPS = {
    "progress": ("Say how action {number} went", "progress"),
    "next_action": ("Set action {number} for the coming year", "next_action"),
}


class ReviewMixin(LoginRequiredMixin):
    """Finds the cycle among the user's own organisations' (404 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.cycle = get_object_or_404(
            ReviewCycle.objects.for_member(request.user).select_related(
                "pledge__organisation", "pledge__version"
            ),
            pk=kwargs["cycle_id"],
        )
        self.pledge = self.cycle.pledge
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(cycle=self.cycle, pledge=self.pledge, **kwargs)

    def step_url(self, name, **kwargs):
        return reverse(f"reviews:{name}", kwargs={"cycle_id": self.cycle.pk, **kwargs})

    def numbered_step_url(self, name, number):
        return self.step_url(name, number=number) if number else self.step_url(name)


class ReviewStepMixin(ReviewMixin):
    """A step of an open review; a finished or closed review sends people back to its start page.

    A view with a `step` (its url name in STEPS) gets its place in STEPS for the
    step count, the Back link and where to go next.
    """

    step = None

    def get(self, request, *args, **kwargs):
        if not self.is_open():
            return redirect(self.step_url("start"))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.is_open():
            return redirect(self.step_url("start"))
        return super().post(request, *args, **kwargs)

    def is_open(self):
        # A lapsed partner may complete its overdue review to return.
        return self.cycle.reviewed_at is None and self.pledge.status in (
            self.pledge.Status.APPROVED,
            self.pledge.Status.LAPSED,
        )

    def form_valid(self, form):
        try:
            self.save(form)
        except NotAllowed as error:
            messages.error(self.request, str(error))
            return redirect(self.step_url("start"))
        return redirect(self.get_success_url())

    @property
    def step_index(self):
        return STEPS.index((self.step, self.kwargs.get("number")))

    def get_context_data(self, **kwargs):
        if self.step is None:
            return super().get_context_data(**kwargs)
        index = self.step_index
        back = self.numbered_step_url(*STEPS[index - 1]) if index else self.step_url("start")
        return super().get_context_data(step=index + 1, steps=len(STEPS), back_url=back, **kwargs)

    def get_success_url(self):
        following = STEPS[self.step_index + 1 :]
        return self.numbered_step_url(*following[0]) if following else self.step_url("check")


class ReviewStartView(ReviewMixin, TemplateView):
    template_name = "reviews/start.html"

    def get_context_data(self, **kwargs):
        actions = list(self.cycle.actions.select_related("theme"))
        next_cycle = None
        if self.cycle.reviewed_at:
            next_cycle = ReviewCycle.objects.filter(pledge=self.pledge, number=self.cycle.number + 1).first()
        return super().get_context_data(
            actions=actions,
            started=any(action.progress for action in actions),
            next_cycle=next_cycle,
            next_actions=list(next_cycle.actions.select_related("theme")) if next_cycle else [],
            stage=calendar.stage_of(self.cycle, on=timezone.localdate()),
            **kwargs,
        )


class ActionProgressView(ReviewStepMixin, FormView):
    template_name = "reviews/progress.html"
    form_class = ActionProgressForm
    step = "progress"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["number"] not in (1, 2):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_action(self):
        return get_object_or_404(
            Action.objects.select_related("theme"), cycle=self.cycle, number=self.kwargs["number"]
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_action()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=self.get_action(), **kwargs)

    def save(self, form):
        services.save_action_progress(
            cycle=self.cycle,
            number=self.kwargs["number"],
            by=self.request.user,
            progress=form.cleaned_data["progress"],
            what_happened=form.cleaned_data["what_happened"],
            what_helped=form.cleaned_data["what_helped"],
        )


class ReviewMessageView(ReviewStepMixin, FormView):
    template_name = "reviews/message.html"
    form_class = ReviewMessageForm
    step = "message"

    def get_initial(self):
        return {"message": self.cycle.message_to_team}

    def save(self, form):
        services.save_review_message(
            cycle=self.cycle, by=self.request.user, message=form.cleaned_data["message"]
        )


class NextActionView(ReviewStepMixin, FormView):
    """One of the next year's actions: continue this year's in one click, or write a new one."""

    template_name = "reviews/next_action.html"
    form_class = ActionForm
    step = "next_action"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["number"] not in (1, 2):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        number = self.kwargs["number"]
        kwargs = {**super().get_form_kwargs(), "version": self.pledge.version, "prefix": f"action-{number}"}
        draft = Action.objects.filter(pledge=self.pledge, cycle__isnull=True, number=number).first()
        if draft:
            kwargs["instance"] = draft
        return kwargs

    def post(self, request, *args, **kwargs):
        if "continue" in request.POST and self.is_open():
            try:
                services.continue_action(cycle=self.cycle, number=kwargs["number"], by=request.user)
            except NotAllowed as error:
                messages.error(request, str(error))
                return redirect(self.step_url("start"))
            return redirect(self.get_success_url())
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        number = self.kwargs["number"]
        current = self.cycle.actions.select_related("theme").filter(number=number).first()
        return super().get_context_data(
            current=current,
            continue_form=ContinueActionForm() if current else None,
            number=number,
            **kwargs,
        )

    def save(self, form):
        services.save_next_action(
            cycle=self.cycle, by=self.request.user, number=self.kwargs["number"], **form.cleaned_data
        )


class ShowProgressView(ReviewStepMixin, FormView):
    template_name = "reviews/show_progress.html"
    form_class = ShowProgressForm
    step = "show_progress"

    def get_initial(self):
        return {"show_progress": self.cycle.shows_progress}

    def save(self, form):
        services.save_show_progress(
            cycle=self.cycle, by=self.request.user, show_progress=form.cleaned_data["show_progress"]
        )


class ReviewCheckView(ReviewStepMixin, FormView):
    template_name = "reviews/check.html"
    form_class = SubmitReviewForm

    def get_context_data(self, **kwargs):
        answers = services.review_answers(self.cycle)
        answers["missing"] = [
            (
                MISSING_STEPS[step][0].format(number=number),
                self.step_url(MISSING_STEPS[step][1], number=number),
            )
            for step, number in answers["missing"]
        ]
        return super().get_context_data(
            show_progress=self.cycle.shows_progress,
            next_due_on=services.next_due_on(self.cycle),
            back_url=self.numbered_step_url(*STEPS[-1]),
            **answers,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.record_review(cycle=self.cycle, by=self.request.user)
        except NotAllowed as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, "Thank you. Your review has been submitted.")
        return redirect(self.step_url("start"))
