"""The programme team's "due to lapse" page: partners due to lapse, confirming their lapse, and more time."""

import datetime
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.views.generic import FormView

from accounts.mixins import ProgrammeTeamRequiredMixin
from pledge_portal.errors import NotAllowed
from pledges.models import Pledge, ReviewCycle
from reviews import lapsing, selectors
from team.forms import ConfirmLapseForm, MoreTimeForm


class TeamLapsingView(ProgrammeTeamRequiredMixin, FormView):
    """Partners due to lapse (confirmed here, one or several at once), those notified, and recent lapses."""

    template_name = "team/lapsing.html"
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
