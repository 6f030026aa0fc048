"""The portal's URLs, and the baselines under /benchmark/."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("benchmark/naive/partners/", views.NaivePartnerList.as_view()),
    path("benchmark/plain/partners/", views.plain_partners),
    path("", include("pledge_portal.urls")),
]
