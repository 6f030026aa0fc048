"""The health endpoints, mounted at /health/ (exempt from the HTTPS redirect for load balancers)."""

from django.urls import path

from . import views

app_name = "health"
urlpatterns = [
    path("live", views.live, name="live"),
    path("ready", views.ready, name="ready"),
]
