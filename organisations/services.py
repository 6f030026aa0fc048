"""Writes for organisations: creating and editing partners, their people, and the public directory."""

from django.db import transaction

# Organisations and duplicates --------------------------------------------------


# Contacts and invitations -------------------------------------------------------


# The public directory -------------------------------------------------------------


def schedule_directory_render():
    """Re-render the public directory once the current transaction commits.

    Every service that changes what the directory shows (approval, withdrawal,
    a partner's edits, a recorded review) calls this.
    """
    from .tasks import render_directory

    transaction.on_commit(render_directory.delay)
