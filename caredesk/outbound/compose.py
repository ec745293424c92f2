"""The one place where the headers of every outgoing email are decided."""

from __future__ import annotations

import secrets
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.utils import format_datetime

from caredesk.core import clock
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail


def new_message_id(*, mailbox: Mailbox, ticket_id: int | None) -> str:
    """`caredesk.<ticket>.<random>@<domain>`, without angle brackets."""
    return f"caredesk.{ticket_id or 0}.{secrets.token_hex(8)}@{mailbox.domain}"


def reply_address(mailbox: Mailbox, reply_token: str) -> str:
    return mailbox.tagged_address(reply_token)


def bounce_address(mailbox: Mailbox, bounce_token: str) -> str:
    """The envelope sender: bounces come back to `support+b-<token>@domain`."""
    return mailbox.tagged_address(f"b-{bounce_token}")


def _header_address(address: str, name: str = "") -> HeaderAddress:
    local, _, domain = address.rpartition("@")
    return HeaderAddress(display_name=name, username=local, domain=domain)


def build_message(email: OutboundEmail) -> EmailMessage:
    mailbox = email.mailbox
    msg = EmailMessage()
    msg["From"] = _header_address(mailbox.address, mailbox.name)
    if email.ticket is not None:
        msg["Reply-To"] = _header_address(
            reply_address(mailbox, email.ticket.reply_token), mailbox.name
        )
    msg["To"] = [_header_address(a) for a in email.to]
    if email.cc:
        msg["Cc"] = [_header_address(a) for a in email.cc]
    msg["Subject"] = email.subject
    msg["Date"] = format_datetime(email.created_at or clock.now())
    msg["Message-ID"] = f"<{email.message_id}>"
    if email.in_reply_to:
        msg["In-Reply-To"] = f"<{email.in_reply_to}>"
    if email.references:
        msg["References"] = " ".join(f"<{r}>" for r in email.references.split())
    if email.kind == OutboundEmail.Kind.ACKNOWLEDGEMENT:
        # RFC 3834: tells other responders not to answer us, so no ping-pong.
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
        msg["Precedence"] = "auto_reply"
    msg.set_content(email.text)
    return msg
