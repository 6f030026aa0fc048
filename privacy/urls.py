"""URLs for the person's own data: /my/data/."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("my/data/", views.YourDataView.as_view(), name="your_data"),
    path("my/data/download.json", views.DownloadJsonView.as_view(), name="download_json"),
    path("my/data/download.csv", views.DownloadCsvView.as_view(), name="download_csv"),
    path("my/data/close-account/", views.CloseAccountView.as_view(), name="close_account"),
]
