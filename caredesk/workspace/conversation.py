"""A ticket's page reads as one timeline: its messages and what happened to it, in order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.urls import reverse

from caredesk.history.kinds import TIMELINE_KINDS
from caredesk.tickets.history import events_described
from caredesk.tickets.models import Message, Ticket, TicketEvent

_CID = re.compile(r"""src=(["'])cid:([^"']+)\1""", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    at: datetime
    message: Message | None = None
    event: TicketEvent | None = None
    summary: str = ""  # what the event says, in plain words


def timeline(ticket: Ticket, *, zone: tzinfo) -> list[Entry]:
    """Messages and the events worth showing, oldest first (uses the prefetched rows), each
    event said in plain words with times in `zone`, the reader's."""
    events = list(ticket.events.all())
    said = events_described(events, zone=zone)
    entries = [Entry(at=m.created_at, message=m) for m in ticket.messages.all()]
    entries += [
        Entry(at=e.created_at, event=e, summary=said[e.pk])
        for e in events
        if e.kind in TIMELINE_KINDS
    ]
    return sorted(entries, key=lambda e: (e.at, e.event is not None))


def history(ticket: Ticket, *, zone: tzinfo) -> list[Entry]:
    """Every event of the ticket, oldest first, in plain words."""
    events = list(ticket.events.all())
    said = events_described(events, zone=zone)
    return [Entry(at=e.created_at, event=e, summary=said[e.pk]) for e in events]


def inline_images(message: Message, html: str) -> str:
    """`html`, the message's HTML (or as much of it as is shown), with pictures sent inside the
    email (cid:) pointing at caredesk."""
    by_cid = {a.content_id.strip("<>"): a.pk for a in message.attachments.all() if a.content_id}

    def swap(match: re.Match[str]) -> str:
        pk = by_cid.get(match.group(2).strip("<>"))
        if pk is None:
            return 'src=""'
        return f'src="{reverse("workspace:attachment", args=[pk])}"'

    return _CID.sub(swap, html)
