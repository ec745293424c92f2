"""Building test emails, and a real SMTP sink that plays the outgoing relay."""

from __future__ import annotations

import email
import email.policy
import itertools
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

_counter = itertools.count(1)


def make_email(
    *,
    sender: str = "Jane Doe <jane@example.net>",
    to: str = "support@example.com",
    subject: str = "My order has not arrived",
    body: str = "Hello, my order 1234 has not arrived yet. Can you help?\n",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: list[str] | None = None,
    cc: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = format_datetime(
        __import__("datetime").datetime(2026, 11, 20, 9, 0, next(_counter) % 60).astimezone()
    )
    msg["Message-ID"] = message_id or make_msgid(domain="example.net")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = " ".join(references)
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg.as_bytes(policy=email.policy.SMTP)


def plain_text(message: EmailMessage) -> str:
    """The text/plain body of an email; fails the test when it has none."""
    body = message.get_body(("plain",))
    assert body is not None, "no text/plain body"
    return str(body.get_content())


def mid(raw: bytes) -> str:
    """The Message-ID of a raw email, without angle brackets."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    return str(parsed["Message-ID"]).strip().strip("<>")


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage
    at: float


@dataclass
class SinkHandler:
    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # rcpt -> SMTP reply, to fail deliveries
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.received.append(
                Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed, time.time())
            )
        return "250 Message accepted for delivery"


class SmtpSink:
    """A real SMTP server on loopback that records what our relay transport sends it."""

    def __init__(self, port: int, *, smtputf8: bool = False) -> None:
        self.handler = SinkHandler()
        # smtputf8: whether EHLO offers SMTPUTF8 (addresses beyond ASCII), as relays differ.
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=port,
            decode_data=False,
            enable_SMTPUTF8=smtputf8,
        )
        self.port = port

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.received)
