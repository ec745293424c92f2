"""A ticket's page reads as one timeline: its messages and what happened to it, in order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse

from caredesk.tickets.models import Message, Ticket, TicketEvent

# Events worth a line in the conversation; the rest (SLA bookkeeping and the like) stay in the
# full history below it.
SHOWN_EVENTS = {
    "assigned",
    "status_changed",
    "priority_set",
    "team_changed",
    "category_changed",
    "tag_added",
    "tag_removed",
    "merged",
    "merged_into",
    "split_into",
    "split_from",
    "delivery_failed",
    "bounced",
    "sla_timer_breached",
}
_CID = re.compile(r"""src=(["'])cid:([^"']+)\1""", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    at: datetime
    message: Message | None = None
    event: TicketEvent | None = None

    @property
    def summary(self) -> str:
        """One line saying what happened, for the timeline."""
        if self.event is None:
            return ""
        data: dict[str, Any] = self.event.data
        actor = self.event.actor
        who = actor.name if actor is not None else _BY.get(data.get("by", ""), "caredesk")
        return _summary(self.event.kind, data, who)


_BY = {"customer": "The customer", "sla": "The SLA", "detection": "caredesk"}


def _summary(kind: str, data: dict[str, Any], who: str) -> str:
    match kind:
        case "assigned":
            return f"{who} assigned it to {data.get('assignee') or 'nobody'}"
        case "status_changed":
            return f"{who} set it {data.get('new')}"
        case "priority_set":
            return f"{who} set priority {data.get('priority')}: {data.get('why', '')}"
        case "team_changed":
            return f"{who} moved it to another team"
        case "tag_added":
            return f"{who} tagged it {data.get('tag')}"
        case "tag_removed":
            return f"{who} removed the tag {data.get('tag')}"
        case "merged":
            return f"#{data.get('source')} was merged into this ticket: {data.get('why', '')}"
        case "merged_into":
            return f"Merged into #{data.get('into')}: {data.get('why', '')}"
        case "split_into":
            return (
                f"{who} split a customer message off into #{data.get('into')}: "
                f"{data.get('subject', '')}"
            )
        case "split_from":
            return f"{who} split this ticket off #{data.get('source')}, moving the message here"
        case "delivery_failed":
            to = ", ".join(data.get("to", []))
            return f"Could not deliver to {to}: {data.get('error', '')}"
        case "bounced":
            recipients = ", ".join(data.get("recipients", []))
            return f"Bounced by {recipients}: {data.get('diagnostic', '')}"
        case "sla_timer_breached":
            return f"Missed its {str(data.get('kind', '')).replace('_', ' ')} target"
        case _:
            return f"{kind.replace('_', ' ').capitalize()} ({who})"


def timeline(ticket: Ticket) -> list[Entry]:
    """Messages and the events worth showing, oldest first (uses the prefetched rows)."""
    entries = [Entry(at=m.created_at, message=m) for m in ticket.messages.all()]
    entries += [
        Entry(at=e.created_at, event=e) for e in ticket.events.all() if e.kind in SHOWN_EVENTS
    ]
    return sorted(entries, key=lambda e: (e.at, e.event is not None))


def inline_images(message: Message) -> str:
    """The message's HTML with pictures sent inside the email (cid:) pointing at caredesk."""
    by_cid = {a.content_id.strip("<>"): a.pk for a in message.attachments.all() if a.content_id}

    def swap(match: re.Match[str]) -> str:
        pk = by_cid.get(match.group(2).strip("<>"))
        if pk is None:
            return 'src=""'
        return f'src="{reverse("workspace:attachment", args=[pk])}"'

    return _CID.sub(swap, message.html)
