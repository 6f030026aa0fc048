"""The password validator that refuses the programme's own words and the names of the user's organisations."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

from .models import Organisation

# The words anyone trying to guess a partner's password would try first.
PROGRAMME_WORDS = ("pledge", "pledges", "trauma", "informed", "traumainformed", "bnssg", "partner", "portal")
# Look-alike characters people swap into words ("Tr4um@").
LOOK_ALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
# Words shorter than this in names ("and", "the", "of") are too common to refuse.
MIN_WORD_LENGTH = 4


def words_in(text):
    return {word for word in re.findall(r"[a-z]+", text.lower()) if len(word) >= MIN_WORD_LENGTH}


class ProgrammeWordsValidator:
    """Refuses a password made mostly of the programme's words or the user's organisations' names.

    Every such word (also written with look-alikes such as 4 for a) is taken out of the password; if
    fewer than `min_remaining` characters are left, the rest was too easy to guess.
    """

    def __init__(self, min_remaining=8):
        self.min_remaining = min_remaining

    def guessable_words(self, user):
        found = set(PROGRAMME_WORDS) | words_in(settings.PROGRAMME_NAME)
        if user is not None and user.pk:
            for name in Organisation.objects.for_member(user).values_list("name", flat=True):
                found |= words_in(name)
        return found

    def validate(self, password, user=None):
        # Look-alikes map one character to one letter, and the words are letters only.
        text = re.sub(r"[\W_]+", "", password.lower()).translate(LOOK_ALIKES)
        rest = text
        for word in sorted(self.guessable_words(user), key=len, reverse=True):
            rest = rest.replace(word, "")
        if rest != text and len(rest) < self.min_remaining:
            raise ValidationError(
                "Your password is mostly words about the programme or your organisation, "
                "which are easy to guess. Choose something else.",
                code="password_programme_words",
            )

    def get_help_text(self):
        return "Your password cannot be mostly about the programme, pledges or your organisation."
