"""The programme team's view of the annual programme report: every figure, year on year, and its narrative."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.mixins import ProgrammeTeamRequiredMixin
from pledges.services.narrative import save_report_narrative
from reviews.annual_report import build_report, compare, report_years
from team.forms import ReportNarrativeForm


class TeamReportView(ProgrammeTeamRequiredMixin, TemplateView):
    template_name = "team/annual_report.html"

    def dispatch(self, request, *args, year=None, **kwargs):
        years = report_years()
        self.years = years
        self.year = years[0] if year is None else year
        if self.year not in years:
            raise Http404("There is no report for that year.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        report = compare(
            build_report(year=self.year, public=False), build_report(year=self.year - 1, public=False)
        )
        return super().get_context_data(
            report=report,
            years=self.years,
            form=form or ReportNarrativeForm(initial={"text": report.narrative}),
            **kwargs,
        )

    def post(self, request):
        form = ReportNarrativeForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        save_report_narrative(year=self.year, text=form.cleaned_data["text"], by=request.user)
        messages.success(request, f"The narrative for {self.year} is saved and shown on the public report.")
        return redirect("team:report_year", year=self.year)
