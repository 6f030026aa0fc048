"""The public information pages: home, the pledge, privacy, accessibility, contact."""

from django.views.generic import TemplateView

from pledges.models import ActionTheme, PledgeVersion


class PledgeView(TemplateView):
    """Shows the current pledge: its eight commitments and the example actions."""

    template_name = "pages/pledge.html"

    def get_context_data(self, **kwargs):
        version = PledgeVersion.objects.current()
        return super().get_context_data(
            version=version,
            commitments=list(version.commitments.all()) if version else [],
            themes=list(ActionTheme.objects.all()),
            **kwargs,
        )


class HomeView(PledgeView):
    """The pledge, and how many partners have signed it (from the directory's snapshot)."""

    template_name = "pages/home.html"
