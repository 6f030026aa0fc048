"""The public information pages: home, the pledge, privacy, accessibility, contact."""

from django.views.generic import TemplateView

from pledges.models import ActionTheme, Pledge, PledgeVersion


class PledgeView(TemplateView):
    """Shows the current pledge: its eight commitments and the example actions."""

    template_name = "pages/pledge.html"

    def get_context_data(self, **kwargs):
        version = PledgeVersion.objects.current()
        return super().get_context_data(
            version=version,
            commitments=list(version.commitments.all()) if version else [],
            themes=list(ActionTheme.objects.all()),
            partner_count=Pledge.objects.in_directory().count(),  # one approved pledge per partner
            **kwargs,
        )


class HomeView(PledgeView):
    template_name = "pages/home.html"
