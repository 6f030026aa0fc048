"""The account pages the portal adds beside allauth's, under /accounts/."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("name/", views.NameView.as_view(), name="name"),
    # Before allauth's page at the same address, which it replaces.
    path("password/reset/", views.PasswordResetView.as_view(), name="reset_password"),
    path("send-link-again/", views.SendConfirmationAgainView.as_view(), name="send_confirmation_again"),
]
