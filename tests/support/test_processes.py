"""The portal's processes are started only where they live as long as the test run."""

import threading

from tests.support.processes import Process, ProcessError


def test_a_process_started_from_another_thread_is_refused(tmp_path):
    process = Process("web1", ["true"], env={}, log_dir=tmp_path, ready=None)
    refusals = []

    def start():
        try:
            process.start()
        except ProcessError as error:
            refusals.append(str(error))

    thread = threading.Thread(target=start)
    thread.start()
    thread.join()

    assert refusals == ["Start web1 from the main thread, so it lives as long as the run."]
    assert process.popen is None
