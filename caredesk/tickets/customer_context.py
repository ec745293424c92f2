"""What the composer shows beside a draft about the person it answers: their earlier tickets
on the same category or a similar subject, with how each ended, and what they said in this
conversation that they have already tried."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models.functions import Substr

from caredesk.access import Principal, conversation_visible, tickets_visible
from caredesk.core.text import normalise_subject
from caredesk.language.tried import tried_sentences
from caredesk.tickets.models import Message, MessageKind, Ticket

# The customer's most recent tickets looked at, and the earlier ones shown at most.
LOOKED_AT = 200
SHOWN = 5
TRIED_SHOWN = 6
# Read of each message for it: what a person writes about their attempts, never a 30 MB body.
TRIED_READ = 20_000
# Subjects are similar when at least this share of their words (of the shorter one) is shared.
SIMILAR = 0.5

# Words too common in subjects to make two of them alike, in the languages caredesk writes.
_COMMON = frozenset(
    " ".join(
        (
            "the and for with from you your our my this that not can cant cannot does doesnt",
            "dont has have had are was were will would please help question problem issue hello",
            "der die das und mit für von ich mein meine ist nicht bitte frage problem hallo",
            "les des une pour avec pas mon est sur question problème bonjour",
            "los las una para con por mis está pregunta problema hola",
        )
    ).split(" ")
)
_WORD = re.compile(r"\w{3,}")


@dataclass(frozen=True, slots=True)
class EarlierTicket:
    reference: int
    subject: str
    status: str
    status_label: str
    created_at: datetime
    solved_at: datetime | None
    why: str  # "same category" or "similar subject"


@dataclass(frozen=True, slots=True)
class TriedStep:
    sentence: str
    said_at: datetime


@dataclass(frozen=True, slots=True)
class CustomerContext:
    earlier: list[EarlierTicket]
    tried: list[TriedStep]
    other_tickets: int  # the customer's other tickets `principal` may see, similar or not


def subject_words(subject: str) -> frozenset[str]:
    """The words that say what a subject is about: lower case, prefixes and common words gone."""
    return frozenset(
        w for w in _WORD.findall(normalise_subject(subject).lower()) if w not in _COMMON
    )


def subjects_similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= SIMILAR


def customer_context(*, ticket: Ticket, principal: Principal) -> CustomerContext:
    """For `ticket`, which `principal` may see. Two queries for the earlier tickets (the
    customer's recent ones, scored here) and one for this conversation's customer messages."""
    others = (
        Ticket.objects.filter(tickets_visible(principal), customer_id=ticket.customer_id)
        .exclude(pk=ticket.pk)
        .filter(merged_into__isnull=True)
        .order_by("-created_at", "-id")
    )
    words = subject_words(ticket.subject)
    earlier: list[EarlierTicket] = []
    for other in others.only("id", "subject", "status", "category", "created_at", "solved_at")[
        :LOOKED_AT
    ]:
        if ticket.category and other.category == ticket.category:
            why = "same category"
        elif subjects_similar(words, subject_words(other.subject)):
            why = "similar subject"
        else:
            continue
        earlier.append(
            EarlierTicket(
                reference=other.pk,
                subject=other.subject,
                status=other.status,
                status_label=other.get_status_display(),
                created_at=other.created_at,
                solved_at=other.solved_at,
                why=why,
            )
        )
        if len(earlier) == SHOWN:
            break
    return CustomerContext(
        earlier=earlier, tried=_tried(ticket, principal), other_tickets=others.count()
    )


def _tried(ticket: Ticket, principal: Principal) -> list[TriedStep]:
    """What the customer said they had tried, newest message first."""
    said = (
        Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER)
        .filter(conversation_visible(principal))
        .order_by("-created_at", "-id")
        .annotate(start=Substr("new_text", 1, TRIED_READ))
        .values_list("start", "created_at")[:50]
    )
    steps: list[TriedStep] = []
    for text, at in said:
        for tried in tried_sentences(text or ""):
            if all(s.sentence != tried.sentence for s in steps):
                steps.append(TriedStep(tried.sentence, at))
        if len(steps) >= TRIED_SHOWN:
            break
    return steps[:TRIED_SHOWN]
