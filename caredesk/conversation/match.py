"""Matching an incoming email to its ticket: the keys an email is threaded and locked by.

The matching itself is `conversation.index.ConversationIndex.match`. Order (first hit wins):
our per-ticket reply address token; In-Reply-To/References against every Message-ID we hold
(ours and customers') *and* every Message-ID our stored messages point back at; the `[#123]`
subject tag when the sender already takes part in that ticket; otherwise new.

Matching on the ids stored messages point back at is what makes threading independent of arrival
order: a reply processed before the message it answers leaves that message's id behind, and the
late parent (or a sibling reply) finds the ticket through it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.db import connection

from caredesk.inbound.types import ParsedEmail
from caredesk.mailboxes.models import Mailbox
from caredesk.mailboxes.selectors import split_address

SUBJECT_TAG = re.compile(r"\[#(\d{1,12})\]")


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
