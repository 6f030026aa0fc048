"""The one error every app raises when a change is refused."""


class NotAllowed(Exception):
    """A change the current state, or the person's rights, do not allow. The message is shown to people.

    Services raise it; views catch it and show the message. Forms keep raising
    ValidationError for what a person typed into a field.
    """
