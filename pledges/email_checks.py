"""System checks: refuse to start with a sender or team address an SMTP server can't parse."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.message import sanitize_address

ADDRESS_SETTINGS = ("DEFAULT_FROM_EMAIL", "SERVER_EMAIL", "PROGRAMME_TEAM_EMAIL")


@register("email")
def email_addresses_parse(app_configs=None, **kwargs):
    """The console and file backends accept any sender; only a real SMTP server refuses it, too late."""
    errors = []
    for name in ADDRESS_SETTINGS:
        value = getattr(settings, name)
        try:
            sanitize_address(value, settings.DEFAULT_CHARSET)
        except (ValueError, IndexError) as exc:
            errors.append(
                Error(
                    f"{name} is not one email address: {value!r} ({exc}).",
                    hint='Write it as "Name <address@example.org>", with the name in double quotes '
                    "if it contains a comma, or leave it unset to use the default.",
                    id="pledges.E001",
                )
            )
    return errors


def refuse_bad_addresses():
    """Stop a web or worker process at start-up (gunicorn and Celery run no system checks of their own)."""
    errors = email_addresses_parse()
    if errors:
        raise ImproperlyConfigured("\n".join(error.msg for error in errors))
