"""Running calls at the same moment, each in its own thread with its own database connection."""

import threading

from django.db import connection


def at_once(*calls):
    """Start every call together (a barrier releases them at once); return each one's result or exception.

    Needs a transactional database: the threads' connections see only committed rows.
    """
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as error:  # handed back to the test, which says which errors are expected
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def refusals(outcomes, error_type=()):
    """The outcomes that are `error_type` exceptions; any other exception among them fails the test."""
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    unexpected = [error for error in errors if not isinstance(error, error_type)]
    assert unexpected == [], unexpected
    return errors
