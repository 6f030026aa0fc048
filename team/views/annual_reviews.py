"""The programme team's side of annual reviews: cycles due and overdue, one review and its
acknowledgement, partners due to lapse, and more time for an overdue review."""

import datetime
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.views.generic import FormView, TemplateView

from accounts.mixins import ProgrammeTeamRequiredMixin
from organisations.models import Membership
from pledge_portal.errors import NotAllowed
from pledges.models import Action, Pledge, ReviewCycle, due_soon_days
from reviews import lapsing, services
from reviews.models import Reminder
from team.forms import AcknowledgeReviewForm, ConfirmLapseForm, MoreTimeForm


class TeamReviewsView(ProgrammeTeamRequiredMixin, TemplateView):
    """Cycles due soon, overdue (with reminders sent) and recently reviewed."""

    template_name = "team/annual_reviews.html"
    RECENT_DAYS = 90

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        cycles = ReviewCycle.objects.select_related("pledge__organisation")
        overdue = list(
            cycles.overdue(on=today).annotate(reminders_sent=Count("reminders")).order_by("due_on", "pk")
        )
        for cycle in overdue:
            cycle.overdue_days = cycle.days_overdue(on=today)
        return super().get_context_data(
            today=today,
            soon_days=due_soon_days(),
            escalation_days=settings.REVIEW_REMINDER_OFFSETS["escalation"],
            recent_days=self.RECENT_DAYS,
            due_soon=list(cycles.due_soon(on=today).order_by("due_on", "pk")),
            overdue=overdue,
            recently_reviewed=list(
                cycles.reviewed_since(timezone.now() - datetime.timedelta(days=self.RECENT_DAYS))
                .select_related("reviewed_by")
                .order_by("-reviewed_at")
            ),
            **kwargs,
        )


class TeamReviewDetailView(ProgrammeTeamRequiredMixin, FormView):
    """One cycle: its review (or where it stands), the partner's contacts, and the acknowledgement."""

    template_name = "team/annual_review.html"
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
        return redirect("team:annual_review", cycle_id=self.cycle.pk)


class TeamLapsingView(ProgrammeTeamRequiredMixin, FormView):
    """Partners due to lapse (confirmed here, one or several at once), those notified, and recent lapses."""

    template_name = "team/lapsing.html"
    form_class = ConfirmLapseForm
    RECENT_DAYS = 90

    def get_form_kwargs(self):
        today = timezone.localdate()
        due = Reminder.cycles_due_to_lapse(on=today).select_related("pledge__organisation")
        return {**super().get_form_kwargs(), "cycles": due.order_by("due_on", "pk")}

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        form = kwargs.get("form") or self.get_form()
        due = list(form.fields["cycles"].queryset)
        notified = (
            ReviewCycle.objects.awaiting_review()
            .filter(reminders__kind=Reminder.Kind.LAPSE_NOTICE)
            .exclude(pk__in=[cycle.pk for cycle in due])
            .select_related("pledge__organisation")
            .order_by("due_on", "pk")
        )
        lapsed = (
            Pledge.objects.filter(
                status=Pledge.Status.LAPSED,
                updated_at__gte=timezone.now() - datetime.timedelta(days=self.RECENT_DAYS),
            )
            .select_related("organisation")
            .order_by("-updated_at")
        )
        return super().get_context_data(
            today=today,
            due=due,
            notified=list(notified),
            lapsed=list(lapsed),
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
        return redirect("team:lapsing")


class TeamMoreTimeView(ProgrammeTeamRequiredMixin, FormView):
    """Give a partner more time for its overdue review: a new due date and a reason."""

    template_name = "team/more_time.html"
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
        return redirect("team:lapsing")
