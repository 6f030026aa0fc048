"""URLs for signing a pledge, the partner's own pages, and the programme team's tools."""

from django.urls import path

from .views import signing

app_name = "pledges"

urlpatterns = [
    path("pledge/sign/", signing.SignStartView.as_view(), name="sign_start"),
]
