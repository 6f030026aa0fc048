"""URLs for annual reviews: the partner's review of its actions (the team's pages are in `team`)."""

from django.urls import path

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
]
