"""What the reply assistant needs to know about a ticket to check a reply to it: the customer's
latest message (what they wrote now, quotes removed, and whether it reads as upset), their first
name and language."""

from __future__ import annotations

from dataclasses import dataclass

from caredesk.access import Action, Principal, conversation_visible
from caredesk.assistant import LANGUAGES
from caredesk.core.text import first_name
from caredesk.language.detect import language_detect
from caredesk.language.upset import Upset
from caredesk.tickets.models import Message, MessageKind, Ticket
from caredesk.tickets.selectors import ticket_get


@dataclass(frozen=True, slots=True)
class DraftContext:
    customer_text: str
    first_name: str
    language: str  # the customer's known language, "" when not known
    upset: bool = False  # their latest message reads as upset or angry (caredesk.language.upset)


def draft_context_get(*, reference: int, principal: Principal) -> DraftContext:
    """For a ticket `principal` may reply to: NotFound when they may not see it (as if it did
    not exist), Forbidden when they see it but may not reply."""
    ticket = ticket_get(reference=reference, principal=principal, action=Action.REPLY)
    return draft_context_of(ticket=ticket, principal=principal)


def draft_context_of(*, ticket: Ticket, principal: Principal) -> DraftContext:
    latest = (
        Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER)
        .filter(conversation_visible(principal))
        .order_by("-created_at", "-id")
        .only("new_text", "text", "from_name", "upset_level")
        .first()
    )
    customer = ticket.customer
    name = customer.name or (latest.from_name if latest else "")
    return DraftContext(
        customer_text=(latest.new_text or latest.text) if latest else "",
        first_name=first_name(name),
        language=customer.language,
        upset=latest is not None and latest.upset_level >= Upset.UPSET,
    )


def draft_language(text: str, *, asked: str | None, known: str) -> str:
    """The language to check a draft in: the one asked for, else the one the draft is written
    in (an agent may answer a German customer in English), else the customer's known one,
    else English; always one the assistant checks."""
    if asked in LANGUAGES:
        return str(asked)
    detected = language_detect(text, languages=LANGUAGES)
    if detected.known:
        return detected.language
    return known if known in LANGUAGES else "en"
