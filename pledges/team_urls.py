"""URLs for the programme team's tools, under /review/."""

from django.urls import path

from .views import emails, report, team, versions

app_name = "team"

urlpatterns = [
    path("", team.QueueView.as_view(), name="queue"),
    path("dashboard/", team.DashboardView.as_view(), name="dashboard"),
    path("report/", report.TeamReportView.as_view(), name="report"),
    path("report/<int:year>/", report.TeamReportView.as_view(), name="report_year"),
    path("exports/partners.csv", team.PartnersExportView.as_view(), name="export_partners"),
    path("exports/actions.csv", team.ActionsExportView.as_view(), name="export_actions"),
    path("exports/decisions.csv", team.DecisionsExportView.as_view(), name="export_decisions"),
    path("<int:pk>/", team.PledgeDetailView.as_view(), name="pledge"),
    path("<int:pk>/approve/", team.ApproveView.as_view(), name="approve"),
    path("<int:pk>/request-changes/", team.RequestChangesView.as_view(), name="request_changes"),
    path("<int:pk>/reject/", team.RejectView.as_view(), name="reject"),
    path("<int:pk>/withdraw/", team.WithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/reinstate/", team.ReinstateView.as_view(), name="reinstate"),
    path("<int:pk>/notes/", team.AddNoteView.as_view(), name="add_note"),
    path("versions/", versions.VersionsView.as_view(), name="versions"),
    path("versions/<int:number>/", versions.VersionProgressView.as_view(), name="version"),
    path("versions/<int:number>/edit/", versions.EditVersionView.as_view(), name="edit_version"),
    path("versions/<int:number>/preview/", versions.PreviewVersionView.as_view(), name="preview_version"),
    path("versions/<int:number>/remind/", versions.RemindView.as_view(), name="remind_version"),
    path("emails/", emails.FailedEmailsView.as_view(), name="failed_emails"),
    path("emails/send-again/", emails.SendEmailsAgainView.as_view(), name="send_emails_again"),
]
