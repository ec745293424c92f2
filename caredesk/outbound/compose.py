"""The one place where the headers of every outgoing email are decided."""

from __future__ import annotations

import email.charset
import email.policy
import secrets
from collections.abc import Sequence
from email import encoders
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.utils import format_datetime, formataddr
from typing import Protocol

from django.db.models.fields.files import FieldFile

from caredesk.core import clock
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail


class StoredFile(Protocol):
    """A file sent with an email (a ticket's stored attachment)."""

    filename: str
    content_type: str

    @property
    def file(self) -> FieldFile: ...


def new_message_id(*, mailbox: Mailbox, ticket_id: int | None) -> str:
    """`caredesk.<ticket>.<random>@<domain>`, without angle brackets."""
    return f"caredesk.{ticket_id or 0}.{secrets.token_hex(8)}@{mailbox.domain}"


def reply_address(mailbox: Mailbox, reply_token: str) -> str:
    return mailbox.tagged_address(reply_token)


# Bounces come back to `support+b-<token>@domain`; the prefix tells them from reply tokens.
BOUNCE_TAG_PREFIX = "b-"


def bounce_address(mailbox: Mailbox, bounce_token: str) -> str:
    """The envelope sender of our outgoing mail, where bounces come back to."""
    return mailbox.tagged_address(f"{BOUNCE_TAG_PREFIX}{bounce_token}")


# Quoted-printable keeps mostly-ASCII text readable in any mail client's "show source".
_UTF8_QP = email.charset.Charset("utf-8")
_UTF8_QP.body_encoding = email.charset.QP
_UTF8_QP.header_encoding = email.charset.QP
# RFC 5321 wants CRLF on the wire.
WIRE = email.policy.compat32.clone(linesep="\r\n")


def _header(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()


def wire_address(address: str) -> str:
    """`address` as it goes on the wire: a domain beyond ASCII in its IDNA (xn--) form, which any
    relay takes, so that only a local part beyond ASCII ("jdöe@") needs the relay's SMTPUTF8."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:  # not a valid IDNA name: send it as it is, over SMTPUTF8
        return address


def _addresses(addresses: list[str]) -> str:
    joined = ", ".join(wire_address(a) for a in addresses)
    # An address beyond ASCII goes as raw UTF-8 (RFC 6532, sent over SMTPUTF8): an encoded-word
    # is not an address. Surrogate escapes make compat32 write the bytes as they are.
    return joined if joined.isascii() else joined.encode().decode("ascii", "surrogateescape")


def _text_part(text: str) -> Message:
    part = Message()
    part.set_payload(text, _UTF8_QP)  # also sets Content-Type and the encoding
    return part


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _file_part(attachment: StoredFile) -> Message:
    maintype, _, subtype = attachment.content_type.partition("/")
    part = MIMEBase(maintype or "application", subtype or "octet-stream")
    del part["MIME-Version"]  # belongs on the email, not on each part
    with attachment.file.open("rb") as f:
        data = f.read()
    if part.get_content_maintype() == "text" and _is_utf8(data):
        part.set_param("charset", "utf-8")  # or clients that show it guess, often wrongly
    part.set_payload(data)
    encoders.encode_base64(part)
    name = attachment.filename
    # RFC 2231 for names beyond ASCII, which every current mail client reads.
    filename: str | tuple[str, str, str] = name if name.isascii() else ("utf-8", "", name)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def build_message(email_row: OutboundEmail, attachments: Sequence[StoredFile] = ()) -> Message:
    """The email as it goes on the wire: the text alone, or the text and `attachments` in a
    multipart/mixed.

    Built with the stdlib's compat32 classes rather than EmailMessage: we write every header
    ourselves, and this is four times faster, which matters when acknowledging a burst.
    """
    mailbox = email_row.mailbox
    if attachments:
        msg: Message = MIMEMultipart("mixed")
        msg.attach(_text_part(email_row.text))
        for attachment in attachments:
            msg.attach(_file_part(attachment))
    else:
        msg = _text_part(email_row.text)
    if "MIME-Version" not in msg:  # MIMEMultipart sets it itself
        msg["MIME-Version"] = "1.0"
    msg["From"] = formataddr((mailbox.name, mailbox.address))
    if email_row.ticket is not None:
        token_address = reply_address(mailbox, email_row.ticket.reply_token)
        msg["Reply-To"] = formataddr((mailbox.name, token_address))
    msg["To"] = _addresses(email_row.to)
    if email_row.cc:
        msg["Cc"] = _addresses(email_row.cc)
    msg["Subject"] = _header(email_row.subject)
    msg["Date"] = format_datetime(email_row.created_at or clock.now())
    msg["Message-ID"] = f"<{email_row.message_id}>"
    if email_row.in_reply_to:
        msg["In-Reply-To"] = f"<{email_row.in_reply_to}>"
    if email_row.references:
        msg["References"] = " ".join(f"<{r}>" for r in email_row.references.split())
    if email_row.kind == OutboundEmail.Kind.ACKNOWLEDGEMENT:
        # RFC 3834: tells other responders not to answer us, so no ping-pong.
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
        msg["Precedence"] = "auto_reply"
    return msg


def message_bytes(email_row: OutboundEmail) -> bytes:
    """The email's bytes, with the files of its outbox row (read again on every attempt)."""
    # .all(), sorted here, so the delivery batch's prefetched rows serve it.
    attachments = sorted(email_row.attachments.all(), key=lambda a: a.pk) if email_row.pk else []
    return build_message(email_row, attachments).as_bytes(policy=WIRE)
