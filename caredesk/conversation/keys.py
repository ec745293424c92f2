"""The keys an incoming email is threaded and locked by: the reply tokens in its `+tag`
recipient addresses, the `[#123]` subject tag, its Message-IDs; and the lock that keeps two
workers from threading the same conversation at once. Matching itself is
`conversation.index.ConversationIndex.match`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

from caredesk.conversation.types import ThreadHeaders
from caredesk.core.text import TICKET_TAG
from caredesk.mailboxes.models import Mailbox
from caredesk.mailboxes.selectors import split_address

SUBJECT_TAG = TICKET_TAG  # what threading reads from a subject


def tags_for_mailbox(mailbox: Mailbox, addresses: Iterable[str]) -> list[str]:
    """The `+tag` parts of the addresses that are this mailbox's."""
    tags = []
    for address in addresses:
        base, tag, domain = split_address(address)
        if tag and f"{base}@{domain}" == mailbox.address:
            tags.append(tag)
    return tags


def lock_keys(parsed: ThreadHeaders, tags: Sequence[str]) -> list[str]:
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
