"""Queueing a task as a web request would, carrying its request id (django-guid) into the task."""

from django_guid import clear_guid, set_guid

from operations.tasks import record_heartbeat


def heartbeat_queued_by_request(request_id):
    """Queue the heartbeat task under `request_id`, as a view would queue work; return the task id."""
    set_guid(request_id)
    try:
        return record_heartbeat.delay().id
    finally:
        clear_guid()
