"""The directory's one entry point: writers announce a change the public can see; the directory re-renders.

Writers send their own app's signal rather than call the directory, so that
dependencies run one way: the directory reads organisations and pledges, and
neither imports the directory.
"""

from django.dispatch import receiver

from organisations.signals import organisation_changed
from pledges.signals import pledge_changed, pledges_changed

from . import services


@receiver(organisation_changed, dispatch_uid="directory.render_after_organisation_change")
@receiver(pledge_changed, dispatch_uid="directory.render_after_pledge_change")
def schedule_render(sender, **kwargs):
    services.schedule_directory_render()


@receiver(pledges_changed, dispatch_uid="directory.render_after_pledges_change")
def schedule_render_for_batch(sender, **kwargs):
    """One render request for a whole batch of changed pledges."""
    services.schedule_directory_render()
