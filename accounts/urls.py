"""The account pages the portal adds beside allauth's, under /accounts/."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("name/", views.NameView.as_view(), name="name"),
    path("send-link-again/", views.SendConfirmationAgainView.as_view(), name="send_confirmation_again"),
]
