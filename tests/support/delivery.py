"""What the SMTP server received for one reader, checked against the outbox row it was sent from."""

from email.utils import parseaddr

from django.conf import settings

from outbox.models import OutboxEmail


def delivered_to(smtp_server, address):
    """The one email the server received for `address`, and its outbox row.

    Fails unless it came once, from the default sender (header and envelope),
    to `address` alone, carrying its row's Message-ID and subject, and the row
    is marked sent.
    """
    messages = smtp_server.to(address)
    assert len(messages) == 1, f"{address} received {len(messages)} emails"
    (received,) = messages
    assert received.rcpt_tos == [address]
    assert received["From"] == settings.DEFAULT_FROM_EMAIL
    assert received.mail_from == parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    row = OutboxEmail.objects.get(message_id=received["Message-ID"])
    assert row.to == address
    assert row.status == OutboxEmail.Status.SENT
    assert received["Subject"] == row.subject
    return received, row
