"""Recording an incoming email on a ticket, attachments included.

Builders return unsaved rows, so that email processing can write a whole batch of emails with
one statement per table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from caredesk.inbound.types import ParsedEmail, SplitText
from caredesk.tickets.models import Attachment, Message, MessageReference, Ticket, attachment_path


def inbound_message_build(
    *,
    ticket: Ticket,
    parsed: ParsedEmail,
    split: SplitText,
    kind: str,
    message_id: str,
    from_address: str,
    from_name: str,
    content_digest: str = "",
    notes: Sequence[str] = (),
) -> Message:
    return Message(
        ticket=ticket,
        mailbox_id=ticket.mailbox_id,
        kind=kind,
        from_address=from_address,
        from_name=from_name[:200],
        to=[a.address for a in parsed.to],
        cc=[a.address for a in parsed.cc],
        subject=parsed.subject[:500],
        text=parsed.text,
        new_text=split.new,
        html=parsed.html,
        message_id=message_id[:500],
        content_digest=content_digest,
        in_reply_to=parsed.in_reply_to[0][:500] if parsed.in_reply_to else "",
        references=" ".join(parsed.references),
        sent_at=parsed.date,
        defects=[*parsed.defects, *notes],
    )


def references_build(*, message: Message, refs: list[str]) -> list[MessageReference]:
    """The Message-IDs `message` points back at, once each."""
    unique = dict.fromkeys(r[:500] for r in refs if r)
    return [MessageReference(message=message, ref=r) for r in unique]


def attachments_build(*, message: Message, parsed: ParsedEmail) -> list[Attachment]:
    """The email's attachments, their files already in storage; the rows are not saved.

    Files are content-addressed: the same file sent twice (or a re-processed email) is stored
    once, and a file left behind by a rolled-back transaction is simply reused later.
    """
    built = []
    for part in parsed.attachments:
        digest = hashlib.sha256(part.payload).hexdigest()
        attachment = Attachment(
            message=message,
            filename=(part.filename or "attachment")[:255],
            content_type=part.content_type[:255],
            size=part.size,
            sha256=digest,
            content_id=part.content_id[:255],
            inline=part.inline,
        )
        name = attachment_path(attachment, attachment.filename)
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(part.payload))
        attachment.file.name = name
        built.append(attachment)
    return built
