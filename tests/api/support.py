"""Helpers for the API tests: emails to deliver and a client that speaks bearer JSON."""

from __future__ import annotations

import itertools
import json
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from django.test import Client
from django.utils import timezone

from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from tests.conftest import deliver, ticket_of

_seconds = itertools.count(1)


def raw_email(
    *,
    sender: str = "Jane Doe <jane@example.net>",
    subject: str = "My order has not arrived",
    body: str = "Hello, my order 1234 has not arrived yet. Can you help?\n",
    cc: str | None = None,
    in_reply_to: str | None = None,
    attachment: tuple[str, bytes] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@example.com"
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now().replace(microsecond=0))
    msg["Message-ID"] = make_msgid(idstring=str(next(_seconds)), domain="example.net")
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
    msg.set_content(body)
    if attachment:
        name, data = attachment
        msg.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return msg.as_bytes()


class Api:
    """A test client for /api/v1 that sends the bearer token and JSON bodies."""

    def __init__(self, client: Client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.post(
            f"/api/v1{path}", data, content_type="application/json", headers=self.headers
        )


def new_ticket(mailbox: Mailbox, **email: Any) -> Ticket:
    """Deliver an email (as intake would) and return the ticket it opened or joined."""
    row = deliver(raw_email(**email), mailbox)
    assert row.status == "processed", row.status_reason
    return ticket_of(row)
