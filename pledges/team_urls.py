"""URLs for the programme team's tools, under /review/."""

from django.urls import path

from .views import reviews

app_name = "team"

urlpatterns = [
    path("reviews/", reviews.TeamReviewsView.as_view(), name="reviews"),
    path("reviews/<int:cycle_id>/", reviews.TeamReviewDetailView.as_view(), name="review_detail"),
]
