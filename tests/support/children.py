"""Child processes that die with the test run: a run killed with SIGKILL must leave nothing running."""

import ctypes
import signal

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def die_with_parent(sig=signal.SIGTERM):
    """A `preexec_fn`: the kernel sends the child `sig` when the process that started it dies.

    Runs in the child between fork and exec, so it must do nothing but the one system call.
    """
    _libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
