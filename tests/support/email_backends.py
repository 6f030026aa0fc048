"""Email backends that behave like a flaky SMTP server, for the outbox's fault-tolerance tests."""

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingOnceBackend(LocmemBackend):
    """Refuses the first message it is given, then delivers like the locmem backend."""

    failures_left = 1

    def send_messages(self, messages):
        if FailingOnceBackend.failures_left:
            FailingOnceBackend.failures_left -= 1
            raise ConnectionRefusedError("SMTP server unavailable")
        return super().send_messages(messages)


class AlwaysFailingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unavailable")
