"""A real SMTP server for the tests (aiosmtpd, on a free port): records what it accepts, can misbehave."""

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One message as the server received it."""

    mail_from: str
    rcpt_tos: list
    message: email.message.EmailMessage

    @property
    def text(self):
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @property
    def html(self):
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""

    def __getitem__(self, header):
        return self.message[header]


@dataclass
class RecordingHandler:
    """Accepts every message, unless told to answer otherwise.

    `replies` is a list of SMTP answers (such as "451 4.3.0 Try again later")
    given to the next DATA commands in turn, instead of accepting them;
    `refuse_recipients` maps an address to the answer its RCPT TO gets;
    `stall_seconds` makes DATA wait before answering, like a stalled server.
    """

    received: list = field(default_factory=list)
    replies: list = field(default_factory=list)
    refuse_recipients: dict = field(default_factory=dict)
    stall_seconds: float = 0
    on_accept: object = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse_recipients:
            return self.refuse_recipients[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.stall_seconds:
            time.sleep(self.stall_seconds)  # blocks the server's loop, as a stalled server would
        with self.lock:
            if self.replies:
                return self.replies.pop(0)
            self.received.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    message=email.message_from_bytes(envelope.content, policy=email.policy.default),
                )
            )
        if self.on_accept:
            self.on_accept()
        return "250 Message accepted for delivery"


class SMTPServer:
    """aiosmtpd in a thread of the test process, listening on 127.0.0.1 at a free port."""

    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def received(self):
        with self.handler.lock:
            return list(self.handler.received)

    def to(self, address):
        """Messages received for `address`."""
        return [m for m in self.received if address in m.rcpt_tos]

    def settings(self):
        """Django settings that send through this server with Django's real SMTP backend."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
        }

    def url(self):
        """The same, as the EMAIL_URL a subprocess reads."""
        return f"smtp://127.0.0.1:{self.port}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
