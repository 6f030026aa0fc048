"""The sign-in page's "Demo accounts" panel, shown in development only."""

from django import template
from django.conf import settings

from demo.logins import DEMO_PASSWORD, listed_logins

register = template.Library()


@register.inclusion_tag("demo/demo_logins.html")
def demo_logins():
    """The named demo logins and their password while DEBUG is on; nothing otherwise."""
    logins = listed_logins() if settings.DEBUG else []
    return {"logins": logins, "password": DEMO_PASSWORD}
