"""The programme team's list of emails that could not be sent, and sending them again."""

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.shortcuts import redirect
from django.views import View
from django.views.generic import ListView

from accounts.mixins import ProgrammeTeamRequiredMixin
from outbox import services as outbox
from outbox.models import OutboxEmail
from pledges.models import Pledge
from team import forms as team_forms

RESEND_PERMISSION = "outbox.resend_outboxemail"


class FailedEmailsView(ProgrammeTeamRequiredMixin, ListView):
    """Every failed email, newest first, with the server's reply; anyone on the team can see it."""

    template_name = "team/emails.html"
    context_object_name = "emails"
    paginate_by = 25

    def get_queryset(self):
        # Every email's `about` is a pledge, shown with its organisation's name.
        pledges = Pledge.objects.select_related("organisation")
        return OutboxEmail.objects.failed_for_team().prefetch_related(GenericPrefetch("about", [pledges]))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_send_again=self.request.user.has_perm(RESEND_PERMISSION),
            give_up_hours=settings.OUTBOX_GIVE_UP_AFTER_HOURS,
            **kwargs,
        )


class SendEmailsAgainView(ProgrammeTeamRequiredMixin, View):
    """POST only: put the named failed emails back in the queue, then go back to the list."""

    http_method_names = ["post"]

    def test_func(self):
        return super().test_func() and self.request.user.has_perm(RESEND_PERMISSION)

    def post(self, request):
        form = team_forms.SendEmailsAgainForm(request.POST)
        count = 0
        if form.is_valid():
            count = outbox.requeue_emails(email_ids=[email.pk for email in form.cleaned_data["email"]])
        if count:
            messages.success(request, f"{count} email{'s' if count != 1 else ''} will be sent again.")
        else:
            messages.info(request, "Nothing to send again: those emails are already on their way, or sent.")
        return redirect("team:failed_emails")
