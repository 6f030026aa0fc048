"""URLs for the programme team's tools, under /review/."""

app_name = "team"

urlpatterns = []
