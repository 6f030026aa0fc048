"""URLs for the public directory of partners, its open data, badges and certificates."""

from django.urls import path

from . import annual_report_views, library_views, views

app_name = "directory"

urlpatterns = [
    path("partners/", views.DirectoryView.as_view(), name="directory"),
    path("partners/open-data/", views.OpenDataPageView.as_view(), name="open_data"),
    path("partners.json", views.partners_json, name="partners_json"),
    path("partners.csv", views.partners_csv, name="partners_csv"),
    path("partners-actions.csv", views.actions_csv, name="actions_csv"),
    path("partners/<slug:slug>/", views.PartnerView.as_view(), name="partner"),
    path("partners/<slug:slug>/badge.svg", views.badge_svg, name="badge_svg"),
    path("partners/<slug:slug>/badge.png", views.badge_png, name="badge_png"),
    path("partners/<slug:slug>/certificate.pdf", views.certificate_pdf, name="certificate"),
    path("actions/", library_views.LibraryView.as_view(), name="library"),
    path("actions/<int:pk>/", library_views.ActionView.as_view(), name="action"),
    path("actions.json", library_views.actions_json, name="actions_json"),
    path("actions.csv", library_views.actions_csv, name="actions_library_csv"),
    path("report/", annual_report_views.ReportView.as_view(), name="report"),
    path("report/<int:year>/", annual_report_views.ReportView.as_view(), name="report_year"),
    path("report/<int:year>/report.pdf", annual_report_views.report_pdf_view, name="report_pdf"),
    path("report/<int:year>/<slug:slug>.csv", annual_report_views.chart_csv, name="report_chart_csv"),
    path("pledge/version/<int:number>/", views.PledgeVersionView.as_view(), name="pledge_version"),
]
