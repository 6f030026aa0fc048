"""Template context shared by every page."""

from django.conf import settings


def programme(request):
    return {
        "PROGRAMME_NAME": settings.PROGRAMME_NAME,
        "PROGRAMME_TEAM_EMAIL": settings.PROGRAMME_TEAM_EMAIL,
    }
