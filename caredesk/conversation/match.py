"""Match an incoming email to its ticket.

Order (first hit wins): our per-ticket reply address token; In-Reply-To/References against every
Message-ID we hold (ours and customers') *and* every Message-ID our stored messages point back at;
the `[#123]` subject tag when the sender already takes part in that ticket; otherwise new.

Matching on the ids stored messages point back at is what makes threading independent of arrival
order: a reply processed before the message it answers leaves that message's id behind, and the
late parent (or a sibling reply) finds the ticket through it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from caredesk.inbound.types import ParsedEmail
from caredesk.mailboxes.models import Mailbox
from caredesk.mailboxes.selectors import split_address
from caredesk.outbound.compose import BOUNCE_TAG_PREFIX
from caredesk.tickets.models import Message, MessageReference, Participant, Ticket

SUBJECT_TAG = re.compile(r"\[#(\d{1,12})\]")


@dataclass(frozen=True)
class ThreadMatch:
    ticket: Ticket | None
    via: str  # "token" | "references" | "subject" | "new"
    # Other tickets the same conversation had been split into before this email joined them.
    strays: tuple[Ticket, ...] = ()


def tags_for_mailbox(mailbox: Mailbox, addresses: Iterable[str]) -> list[str]:
    """The `+tag` parts of the addresses that are this mailbox's."""
    tags = []
    for address in addresses:
        base, tag, domain = split_address(address)
        if tag and f"{base}@{domain}" == mailbox.address:
            tags.append(tag)
    return tags


def recipient_addresses(parsed: ParsedEmail, envelope_to: Sequence[str]) -> list[str]:
    found = list(envelope_to)
    found += [a.address for a in (*parsed.to, *parsed.cc)]
    for name in ("Delivered-To", "X-Original-To", "Envelope-To"):
        value = parsed.header(name)
        if value:
            found.append(value)
    return found


def lock_keys(parsed: ParsedEmail, tags: Sequence[str]) -> list[str]:
    keys = [f"tag:{t}" for t in tags]
    if parsed.message_id:
        keys.append(f"mid:{parsed.message_id}")
    keys += [f"mid:{m}" for m in parsed.thread_ids]
    return keys


def lock_conversation(keys: Sequence[str]) -> None:
    """Serialise the processing of emails that may belong to the same conversation.

    On PostgreSQL: transaction-scoped advisory locks on every id involved, taken in a fixed
    order so two workers cannot deadlock. SQLite needs nothing: its IMMEDIATE transactions
    already let one writer at a time through.
    """
    if connection.vendor != "postgresql" or not keys:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(k) FROM "
            "(SELECT DISTINCT hashtextextended(x, 0) AS k FROM unnest(%s::text[]) AS x "
            "ORDER BY k) AS keys",
            [sorted(set(keys))],
        )


def _live(ticket: Ticket) -> Ticket:
    """Follow merges to the ticket that now holds the conversation."""
    seen = {ticket.pk}
    while ticket.merged_into_id is not None and ticket.merged_into_id not in seen:
        seen.add(ticket.merged_into_id)
        ticket = Ticket.objects.select_related("mailbox").get(pk=ticket.merged_into_id)
    return ticket


def thread_match(
    *,
    mailbox: Mailbox,
    parsed: ParsedEmail,
    sender: str,
    tags: Sequence[str],
) -> ThreadMatch:
    for tag in tags:
        if tag.startswith(BOUNCE_TAG_PREFIX):
            continue
        ticket = Ticket.objects.filter(mailbox=mailbox, reply_token=tag).first()
        if ticket is not None:
            return ThreadMatch(_live(ticket), "token")

    by_refs = _tickets_by_references(mailbox, parsed)
    if by_refs:
        first, *rest = by_refs
        return ThreadMatch(first, "references", tuple(rest))

    for number in SUBJECT_TAG.findall(parsed.subject):
        ticket = Ticket.objects.filter(mailbox=mailbox, pk=int(number)).first()
        if ticket is None:
            continue
        ticket = _live(ticket)
        if Participant.objects.filter(ticket=ticket, address=sender).exists():
            return ThreadMatch(ticket, "subject")
    return ThreadMatch(None, "new")


def _tickets_by_references(mailbox: Mailbox, parsed: ParsedEmail) -> list[Ticket]:
    ids = [i[:500] for i in parsed.thread_ids]
    ticket_ids: set[int] = set()
    if ids:
        ticket_ids.update(
            Message.objects.filter(mailbox=mailbox, message_id__in=ids)
            .order_by()
            .values_list("ticket_id", flat=True)
        )
    # Messages that point at the same ids (siblings), or at this very email (replies to it that
    # arrived first). Looked up by the reference alone, so the query follows the `ref` index
    # whatever the planner knows; the mailbox is checked on the few rows found.
    pointed = [*ids, parsed.message_id[:500]] if parsed.message_id else ids
    if pointed:
        ticket_ids.update(
            ticket_id
            for ticket_id, mailbox_id in MessageReference.objects.filter(ref__in=pointed)
            .order_by()
            .values_list("message__ticket_id", "message__mailbox_id")
            if mailbox_id == mailbox.pk
        )
    if not ticket_ids:
        return []
    live: dict[int, Ticket] = {}
    for ticket in Ticket.objects.filter(pk__in=ticket_ids).order_by("pk"):
        target = _live(ticket)
        live.setdefault(target.pk, target)
    return sorted(live.values(), key=lambda t: t.pk)
