"""The directory's one entry point: writers announce a change the public can see; the directory rebuilds.

Writers send their own app's signal rather than call the directory, so that
dependencies run one way: the directory reads organisations and pledges, and
neither imports the directory.
"""

from django.dispatch import receiver

from organisations.signals import organisation_changed
from pledges.signals import pledge_changed, pledges_changed

from . import services


@receiver(organisation_changed, dispatch_uid="directory.build_after_organisation_change")
def rebuild_organisation(sender, organisation, **kwargs):
    services.schedule_directory_build(organisation.pk)


@receiver(pledge_changed, dispatch_uid="directory.build_after_pledge_change")
def rebuild_pledge(sender, pledge, **kwargs):
    services.schedule_directory_build(pledge.organisation_id)


@receiver(pledges_changed, dispatch_uid="directory.build_after_pledges_change")
def rebuild_pledges(sender, pledges, **kwargs):
    """One write for a whole batch of changed pledges (a day's lapses, say)."""
    services.schedule_directory_build(*(pledge.organisation_id for pledge in pledges))
