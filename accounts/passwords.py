"""Password validators: refuse passwords seen in breaches, checked offline against a bundled list."""

import re
from functools import cache

from django.core.exceptions import ValidationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

# Digits and symbols people put around a familiar word ("Dragon2024!", "!!monkey").
DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@cache
def breached_passwords():
    """The 30,000 passwords found most often in breach dumps, lowercased (zxcvbn's, from the xato corpus)."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def candidates(password):
    """The password as people write it, lowercased, and without the digits and symbols around its word."""
    lowered = password.lower()
    return {lowered, DECORATION.sub("", lowered)} - {""}


class BreachedPasswordValidator:
    """Refuses a password found in breaches, also when only digits or symbols were added around it.

    The list ships with the code: checking makes no network call, and reveals nothing about the password.
    """

    def validate(self, password, user=None):
        if candidates(password) & breached_passwords():
            raise ValidationError(
                "This password has appeared in data breaches, so it is easy to guess. "
                "Choose a different one.",
                code="password_breached",
            )

    def get_help_text(self):
        return "Your password cannot be one that has appeared in data breaches."
