"""The programme team's side of annual reviews: cycles due and overdue, one review and its acknowledgement."""

import datetime
from functools import cached_property

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from accounts.mixins import ProgrammeTeamRequiredMixin
from organisations.models import Membership
from pledge_portal.errors import NotAllowed
from pledges import calendar
from pledges.models import Action, ReviewCycle
from reviews import selectors, services
from reviews.models import Reminder
from team.forms import AcknowledgeReviewForm


class TeamReviewsView(ProgrammeTeamRequiredMixin, TemplateView):
    """Cycles due soon, overdue (with reminders sent) and recently reviewed."""

    template_name = "team/annual_reviews.html"
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
