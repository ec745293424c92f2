"""Line length and line endings at SMTP DATA, over real sockets.

Real mail breaks RFC 5321's 1,000-octet line limit (webmail's unwrapped HTML, Outlook): it is
accepted and stored byte for byte, as Postfix accepts it. Bare LF line endings are refused: they
are how SMTP smuggling hides a second email inside one.
"""

from __future__ import annotations

import smtplib
import socket

import pytest

from caredesk.inbound.models import InboundMessage
from caredesk.mailboxes.models import Mailbox
from tests.conftest import eml, ticket_of, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

LONG_LINE = "long-line-6000-html.eml"


def dialog(address: tuple[str, int], data: bytes) -> list[bytes]:
    """One SMTP session written byte for byte: every reply line the server sent."""
    with socket.create_connection(address, timeout=10) as sock:
        stream = sock.makefile("rb")
        replies = [stream.readline()]
        for command in (b"EHLO client.example.net", b"MAIL FROM:<a@example.net>"):
            sock.sendall(command + b"\r\n")
            while (line := stream.readline())[3:4] == b"-":
                pass
            replies.append(line)
        sock.sendall(b"RCPT TO:<support@example.com>\r\nDATA\r\n")
        replies += [stream.readline(), stream.readline()]
        sock.sendall(data + b".\r\n")
        replies.append(stream.readline())
        sock.sendall(b"QUIT\r\n")
        replies.append(stream.readline())
    return replies


def test_the_fixture_holds_a_line_of_6000_characters() -> None:
    assert max(len(line) for line in eml(LONG_LINE).split(b"\r\n")) == 6000


def test_a_6000_character_line_is_accepted_and_stored_byte_for_byte(
    mailbox: Mailbox, smtp_intake: tuple[str, int]
) -> None:
    raw = eml(LONG_LINE)
    with smtplib.SMTP(*smtp_intake) as client:
        assert client.sendmail("priya.natarajan@example.net", ["support@example.com"], raw) == {}
    row = InboundMessage.objects.get()
    assert bytes(row.raw) == raw
    assert wait_until(lambda: InboundMessage.objects.get().ticket_id is not None)
    row.refresh_from_db()
    assert ticket_of(row).subject == "Order 7421 still not here"


def test_a_line_as_long_as_the_largest_message_is_accepted(
    mailbox: Mailbox, smtp_intake: tuple[str, int]
) -> None:
    """Bounded by the message size limit alone: one line of 2 MB, a dot at its start."""
    raw = b"From: a@example.net\r\nSubject: one line\r\n\r\n." + b"y" * 2_000_000 + b"\r\n"
    replies = dialog(smtp_intake, raw.replace(b"\r\n.", b"\r\n.."))  # dot-stuffed, as RFC 5321
    assert replies[-2].startswith(b"250 "), replies
    assert bytes(InboundMessage.objects.get().raw) == raw


def test_bare_lf_line_endings_are_refused_and_nothing_is_stored(
    mailbox: Mailbox, smtp_intake: tuple[str, int]
) -> None:
    raw = eml(LONG_LINE).replace(b"\r\n", b"\n")
    replies = dialog(smtp_intake, raw + b"\r\n")
    assert replies[-2].startswith(b"554 5.5.2 "), replies
    assert b"CRLF" in replies[-2]
    assert replies[-1].startswith(b"221"), "the session goes on after the refusal"
    assert InboundMessage.objects.count() == 0


def test_a_smuggled_second_email_behind_a_bare_lf_dot_is_neither_ended_nor_stored(
    mailbox: Mailbox, smtp_intake: tuple[str, int]
) -> None:
    """ "\\n.\\r\\n" must not end DATA (aiosmtpd ends it only at CRLF.CRLF), and the whole
    email, smuggled commands included, is refused for its bare LF."""
    smuggled = (
        b"From: a@example.net\r\nSubject: first\r\n\r\nhello\n.\r\n"
        b"MAIL FROM:<ceo@example.com>\r\nRCPT TO:<support@example.com>\r\nDATA\r\n"
        b"From: ceo@example.com\r\nSubject: second\r\n\r\nwire the money\r\n"
    )
    replies = dialog(smtp_intake, smuggled)
    assert replies[-2].startswith(b"554 5.5.2 "), replies
    assert InboundMessage.objects.count() == 0
