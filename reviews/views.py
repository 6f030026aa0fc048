"""The annual review: a partner reviews its two actions and sets the next two; the team reads and thanks.

Every GET only shows a page (email scanners open the links in reminders);
every change is a POST that calls one service.
"""

import datetime
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.generic import FormView, TemplateView

from organisations.models import Membership
from pledge_portal.errors import NotAllowed
from pledges import calendar
from pledges.forms import ActionForm
from pledges.models import Action, Pledge, ReviewCycle
from pledges.views.team import ProgrammeTeamRequiredMixin

from . import lapsing, selectors, services
from .forms import (
    AcknowledgeReviewForm,
    ActionProgressForm,
    ConfirmLapseForm,
    ContinueActionForm,
    MoreTimeForm,
    ReviewMessageForm,
    ShowProgressForm,
    SubmitReviewForm,
)
from .models import Reminder

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


# The programme team ------------------------------------------------------------


class TeamReviewsView(ProgrammeTeamRequiredMixin, TemplateView):
    """Cycles due soon, overdue (with reminders sent) and recently reviewed."""

    template_name = "reviews/team/reviews.html"
    RECENT_DAYS = 90

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        recently = timezone.now() - datetime.timedelta(days=self.RECENT_DAYS)
        return super().get_context_data(
            today=today,
            soon_days=calendar.due_soon_days(),
            escalation_days=calendar.reminder_day(Reminder.Kind.ESCALATION).days,
            recent_days=self.RECENT_DAYS,
            due_soon=list(ReviewCycle.objects.due_soon(on=today).by_due_date()),
            overdue=selectors.overdue_cycles(on=today),
            recently_reviewed=list(ReviewCycle.objects.reviewed_since(recently)),
            **kwargs,
        )


class TeamReviewDetailView(ProgrammeTeamRequiredMixin, FormView):
    """One cycle: its review (or where it stands), the partner's contacts, and the acknowledgement."""

    template_name = "reviews/team/review_detail.html"
    form_class = AcknowledgeReviewForm

    @cached_property
    def cycle(self):
        # Looked up only after the mixins have checked sign-in and team membership.
        return get_object_or_404(
            ReviewCycle.objects.select_related(
                "pledge__organisation", "reviewed_by", "acknowledged_by"
            ).prefetch_related("reminders"),
            pk=self.kwargs["cycle_id"],
        )

    def get_context_data(self, **kwargs):
        cycle = self.cycle
        next_cycle = None
        if cycle.reviewed_at:
            next_cycle = (
                ReviewCycle.objects.filter(pledge=cycle.pledge, number=cycle.number + 1)
                .prefetch_related(Prefetch("actions", queryset=Action.objects.select_related("theme")))
                .first()
            )
        return super().get_context_data(
            cycle=cycle,
            pledge=cycle.pledge,
            actions=list(cycle.actions.select_related("theme").prefetch_related("commitments")),
            next_cycle=next_cycle,
            people=list(
                Membership.objects.filter(organisation=cycle.pledge.organisation_id)
                .of_period_at(cycle.pledge.created_at)
                .select_related("user")
                .signatory_first()
            ),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.acknowledge_review(
                cycle=self.cycle, by=self.request.user, message=form.cleaned_data["message"]
            )
        except NotAllowed as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, f"Review acknowledged. We have emailed {self.cycle.pledge.organisation}."
        )
        return redirect("reviews:team_detail", cycle_id=self.cycle.pk)


class TeamLapsingView(ProgrammeTeamRequiredMixin, FormView):
    """Partners due to lapse (confirmed here, one or several at once), those notified, and recent lapses."""

    template_name = "reviews/team/lapsing.html"
    form_class = ConfirmLapseForm
    RECENT_DAYS = 90

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cycles": selectors.cycles_due_to_lapse(on=timezone.localdate())}

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        form = kwargs.get("form") or self.get_form()
        recently = timezone.now() - datetime.timedelta(days=self.RECENT_DAYS)
        return super().get_context_data(
            today=today,
            due=list(form.fields["cycles"].queryset),
            notified=list(selectors.cycles_notified(on=today)),
            lapsed=list(Pledge.objects.lapsed_since(recently)),
            recent_days=self.RECENT_DAYS,
            lapse_after_days=settings.LAPSE_AFTER_DAYS,
            notice_days=settings.LAPSE_NOTICE_DAYS,
            automatic=settings.LAPSE_AUTOMATICALLY,
            **kwargs,
        )

    def form_valid(self, form):
        cycles = form.cleaned_data["cycles"]
        try:
            count = lapsing.lapse_pledges(
                cycle_ids=[cycle.pk for cycle in cycles],
                by=self.request.user,
                message=form.cleaned_data["message"],
            )
        except NotAllowed as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if count == 1:
            messages.success(self.request, "1 pledge has lapsed. We have emailed the partner how to return.")
        else:
            messages.success(
                self.request, f"{count} pledges have lapsed. We have emailed each partner how to return."
            )
        return redirect("reviews:team_lapsing")


class TeamMoreTimeView(ProgrammeTeamRequiredMixin, FormView):
    """Give a partner more time for its overdue review: a new due date and a reason."""

    template_name = "reviews/team/more_time.html"
    form_class = MoreTimeForm

    @cached_property
    def cycle(self):
        # Looked up only after the mixins have checked sign-in and team membership.
        return get_object_or_404(
            ReviewCycle.objects.awaiting_review().select_related("pledge__organisation"),
            pk=self.kwargs["cycle_id"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(cycle=self.cycle, pledge=self.cycle.pledge, **kwargs)

    def form_valid(self, form):
        try:
            lapsing.give_more_time(
                cycle=self.cycle,
                by=self.request.user,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except NotAllowed as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{self.cycle.pledge.organisation} has until {date_format(form.cleaned_data['until'], 'j F Y')}. "
            "We have emailed its contacts.",
        )
        return redirect("reviews:team_lapsing")
