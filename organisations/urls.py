"""URLs for the public directory of partners."""

app_name = "organisations"

urlpatterns = []
