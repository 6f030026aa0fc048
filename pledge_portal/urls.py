"""The portal's URLs: public pages, accounts, and each app's journeys."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from privacy.views import PrivacyNoticeView
from team.urls import old_urls as team_old_urls

from . import views

# The admin signs in through allauth's sign-in page, so its rate limits (and two-factor) apply there too.
admin.site.login = secure_admin_login(admin.site.login)

pages = (
    [
        path("", views.HomeView.as_view(), name="home"),
        path("pledge/", views.PledgeView.as_view(), name="pledge"),
        path("privacy/", PrivacyNoticeView.as_view(), name="privacy"),
        path(
            "accessibility/",
            TemplateView.as_view(template_name="pages/accessibility.html"),
            name="accessibility",
        ),
        path("contact/", TemplateView.as_view(template_name="pages/contact.html"), name="contact"),
    ],
    "pages",
)

urlpatterns = [
    path("", include(pages)),
    path("", include("pledges.urls")),
    path("team/", include("team.urls")),
    path("review/", include(team_old_urls)),
    path("", include("reviews.urls")),
    path("", include("organisations.urls")),
    path("", include("directory.urls")),
    path("", include("privacy.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
    path("health/", include("operations.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
