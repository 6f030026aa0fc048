"""Template tags for linking to the public directory from other pages."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

from directory.certificates import PLEDGE_NAME

register = template.Library()


@register.simple_tag
def badge_snippet(organisation):
    """The HTML a partner pastes into its own website: its badge, linking to its page here."""
    page = settings.SITE_URL + reverse("directory:partner", kwargs={"slug": organisation.slug})
    badge = settings.SITE_URL + reverse("directory:badge_svg", kwargs={"slug": organisation.slug})
    return format_html(
        '<a href="{}"><img src="{}" alt="{} has signed the {}" width="300" height="100"></a>',
        page,
        badge,
        organisation.name,
        PLEDGE_NAME,
    )
