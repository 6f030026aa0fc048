"""The public annual programme report: each year's page, its PDF and each chart's figures as CSV.

Figures only, with small numbers hidden (reviews/annual_report.py); the programme team's
unsuppressed view is on its dashboard.
"""

import csv
import io

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from pledge_portal.csv import defuse_formula
from reviews.annual_report import build_report, report_years

from .annual_report_pdf import report_pdf


def _report(year):
    years = report_years()
    if year is None:
        year = years[0]
    if year not in years:
        raise Http404("There is no report for that year.")
    return build_report(year=year, public=True), years


class ReportView(TemplateView):
    template_name = "directory/report/report.html"

    def get_context_data(self, year=None, **kwargs):
        report, years = _report(year)
        return super().get_context_data(
            report=report, years=years, is_current_year=report.year == timezone.localdate().year, **kwargs
        )


@require_safe
def report_pdf_view(request, year):
    report, _ = _report(year)
    url = settings.SITE_URL + reverse("directory:report_year", kwargs={"year": year})
    response = HttpResponse(report_pdf(report, url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="programme-report-{year}.pdf"'
    return response


@require_safe
def chart_csv(request, year, slug):
    report, _ = _report(year)
    chart = report.chart(slug)
    if chart is None:
        raise Http404("The report has no chart of that name.")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([chart.label_heading, *chart.headings])
    writer.writerows([defuse_formula(value) for value in [label, *values]] for label, values in chart.table)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="programme-report-{year}-{slug}.csv"'
    return response
