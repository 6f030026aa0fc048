"""Waiting for a real Celery worker, which works in its own thread, to finish what it was given."""

import time


def wait_for(condition, timeout=20):
    """Poll `condition` until it is true or `timeout` seconds pass; return whether it came true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
