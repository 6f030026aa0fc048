"""URLs for the programme team's tools, under /team/, and the old /review/ paths that redirect to them."""

from django.urls import path
from django.views.generic import RedirectView

from .views import annual_report, annual_reviews, emails, lapsing, organisations, pledges, versions

app_name = "team"

urlpatterns = [
    path("", pledges.QueueView.as_view(), name="queue"),
    path("dashboard/", pledges.DashboardView.as_view(), name="dashboard"),
    path("report/", annual_report.TeamReportView.as_view(), name="report"),
    path("report/<int:year>/", annual_report.TeamReportView.as_view(), name="report_year"),
    path("exports/partners.csv", pledges.PartnersExportView.as_view(), name="export_partners"),
    path("exports/actions.csv", pledges.ActionsExportView.as_view(), name="export_actions"),
    path("exports/decisions.csv", pledges.DecisionsExportView.as_view(), name="export_decisions"),
    path("<int:pk>/", pledges.PledgeDetailView.as_view(), name="pledge"),
    path("<int:pk>/approve/", pledges.ApproveView.as_view(), name="approve"),
    path("<int:pk>/request-changes/", pledges.RequestChangesView.as_view(), name="request_changes"),
    path("<int:pk>/reject/", pledges.RejectView.as_view(), name="reject"),
    path("<int:pk>/withdraw/", pledges.WithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/reinstate/", pledges.ReinstateView.as_view(), name="reinstate"),
    path("<int:pk>/notes/", pledges.AddNoteView.as_view(), name="add_note"),
    path("versions/", versions.VersionsView.as_view(), name="versions"),
    path("versions/<int:number>/", versions.VersionProgressView.as_view(), name="version"),
    path("versions/<int:number>/edit/", versions.EditVersionView.as_view(), name="edit_version"),
    path("versions/<int:number>/preview/", versions.PreviewVersionView.as_view(), name="preview_version"),
    path("versions/<int:number>/remind/", versions.RemindView.as_view(), name="remind_version"),
    path("emails/", emails.FailedEmailsView.as_view(), name="failed_emails"),
    path("emails/send-again/", emails.SendEmailsAgainView.as_view(), name="send_emails_again"),
    path("annual-reviews/", annual_reviews.TeamReviewsView.as_view(), name="annual_reviews"),
    path(
        "annual-reviews/<int:cycle_id>/", annual_reviews.TeamReviewDetailView.as_view(), name="annual_review"
    ),
    path("lapsing/", lapsing.TeamLapsingView.as_view(), name="lapsing"),
    path("lapsing/<int:cycle_id>/more-time/", lapsing.TeamMoreTimeView.as_view(), name="more_time"),
    path("join-requests/", organisations.TeamJoinRequestsView.as_view(), name="join_requests"),
    path("name-changes/", organisations.TeamNameChangesView.as_view(), name="name_changes"),
    path("name-changes/<int:change_id>/", organisations.TeamNameChangeView.as_view(), name="name_change"),
]


def moved_to(name):
    """A permanent redirect to the team's page of that name, keeping the query string."""
    return RedirectView.as_view(pattern_name=f"team:{name}", permanent=True, query_string=True)


# Until December 2026 the team's pages were under /review/ (included there), and emails already sent
# link to them: each old path answers 301 with its new one, straight to it, until at least December 2027.
old_urls = [path(str(pattern.pattern), moved_to(pattern.name)) for pattern in urlpatterns] + [
    # Older still: the annual reviews' first paths, renamed before the move.
    path("reviews/", moved_to("annual_reviews")),
    path("reviews/<int:cycle_id>/", moved_to("annual_review")),
]
