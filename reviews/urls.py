"""URLs for annual reviews: the partner's review of its actions, and the team's list and acknowledgement."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "reviews"

urlpatterns = [
    # Emailed in every reminder: these paths must keep working.
    path("my/reviews/<int:cycle_id>/", views.ReviewStartView.as_view(), name="start"),
    path(
        "my/reviews/<int:cycle_id>/progress/<int:number>/",
        views.ActionProgressView.as_view(),
        name="progress",
    ),
    path("my/reviews/<int:cycle_id>/message/", views.ReviewMessageView.as_view(), name="message"),
    path("my/reviews/<int:cycle_id>/next/<int:number>/", views.NextActionView.as_view(), name="next_action"),
    path("my/reviews/<int:cycle_id>/publishing/", views.ShowProgressView.as_view(), name="show_progress"),
    path("my/reviews/<int:cycle_id>/check/", views.ReviewCheckView.as_view(), name="check"),
    # The programme team's side, beside its decisions under /review/.
    path("review/annual-reviews/", views.TeamReviewsView.as_view(), name="team_list"),
    path("review/annual-reviews/<int:cycle_id>/", views.TeamReviewDetailView.as_view(), name="team_detail"),
    path("review/lapsing/", views.TeamLapsingView.as_view(), name="team_lapsing"),
    path("review/lapsing/<int:cycle_id>/more-time/", views.TeamMoreTimeView.as_view(), name="team_more_time"),
    # The team's old paths, emailed before they were renamed: they must keep working.
    path(
        "review/reviews/",
        RedirectView.as_view(pattern_name="reviews:team_list", permanent=True, query_string=True),
    ),
    path(
        "review/reviews/<int:cycle_id>/",
        RedirectView.as_view(pattern_name="reviews:team_detail", permanent=True, query_string=True),
    ),
]
