"""A test run for tests/support/test_children.py to kill: it starts the portal's processes and waits.

Not part of the suite (pytest collects only test_*.py files): that test names this file on the
command line of the pytest it starts.
"""

import time

READY = "The portal's processes are ready."


def test_the_portal_runs_until_the_run_is_killed(transactional_db, portal_processes, production_env):
    portal_processes.web(production_env, workers=2)
    portal_processes.worker(production_env, concurrency=2)
    portal_processes.beat(production_env)
    portal_processes.wait_until_ready()
    print(READY, flush=True)
    time.sleep(300)
