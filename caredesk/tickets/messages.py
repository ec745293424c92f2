"""Recording an incoming email on a ticket, attachments included."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from caredesk.inbound.types import ParsedAttachment, ParsedEmail, SplitText
from caredesk.tickets.models import Attachment, Message, Ticket, attachment_path
from caredesk.tickets.services import message_references_store


def _store_attachment(message: Message, part: ParsedAttachment) -> Attachment:
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
    # Content-addressed: the same file sent twice (or a re-processed email) is stored once.
    name = attachment_path(attachment, attachment.filename)
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(part.payload))
    attachment.file.name = name
    attachment.save()
    return attachment


def message_record_inbound(
    *,
    ticket: Ticket,
    parsed: ParsedEmail,
    split: SplitText,
    kind: str,
    message_id: str,
    from_address: str,
    from_name: str,
) -> Message:
    message = Message.objects.create(
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
        in_reply_to=parsed.in_reply_to[0][:500] if parsed.in_reply_to else "",
        references=" ".join(parsed.references),
        sent_at=parsed.date,
        defects=list(parsed.defects),
    )
    message_references_store(message=message, refs=parsed.thread_ids)
    for part in parsed.attachments:
        _store_attachment(message, part)
    return message
