"""The signing journey: a leader signs the pledge, one step per page."""

from django.urls import reverse
from django.views.generic import TemplateView

from pledges.models import PledgeVersion


class SignStartView(TemplateView):
    template_name = "pledges/sign_start.html"

    def get_context_data(self, **kwargs):
        version = PledgeVersion.objects.current()
        return super().get_context_data(
            commitments=list(version.commitments.all()) if version else [],
            start_url=reverse("account_signup"),
            **kwargs,
        )
