"""How pages, emails and exports name a person, including one who has since closed their account.

Closing an account sets every link to it to null (privacy.services.close_account), so whatever
names the person who started, signed, decided or asked must expect nobody there. Templates use
the filters below ({% load people %}); Python code calls the functions.
"""

from django import template
from django.contrib.auth.base_user import AbstractBaseUser

# Calm and exact: the account was closed by its owner, and the portal no longer knows who they were.
CLOSED_ACCOUNT = "a closed account"


def name_and_email_of(user: AbstractBaseUser | None) -> str:
    """ "Priya Shah (priya@example.org)", or "a closed account"."""
    return user.name_and_email if user is not None else CLOSED_ACCOUNT


def full_name_of(user: AbstractBaseUser | None) -> str:
    """The person's name (their address if they gave none), or "a closed account"."""
    return user.get_full_name() if user is not None else CLOSED_ACCOUNT


def email_of(user: AbstractBaseUser | None) -> str:
    """The person's address, or "a closed account"."""
    return user.email if user is not None else CLOSED_ACCOUNT


# Template filters (settings.TEMPLATES "libraries"): {{ pledge.created_by|person_email }}.
register = template.Library()
register.filter("person", name_and_email_of)
register.filter("person_name", full_name_of)
register.filter("person_email", email_of)
