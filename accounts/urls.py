"""The account pages the portal adds beside allauth's, under /accounts/."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("name/", views.NameView.as_view(), name="name"),
]
