"""The keys an incoming email is threaded and locked by: the reply tokens in its `+tag`
recipient addresses, the `[#123]` subject tag, its Message-IDs; and the lock that keeps two
workers from threading the same conversation at once. Matching itself is
`conversation.index.ConversationIndex.match`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.db import connection

from caredesk.conversation.types import ThreadHeaders
from caredesk.mailboxes.models import Mailbox
from caredesk.mailboxes.selectors import split_address

SUBJECT_TAG = re.compile(r"\[#(\d{1,12})\]")


def subject_untagged(subject: str) -> str:
    """`subject` without its `[#123]` tags, whitespace folded.

    For the subject of a ticket an email opens: a tag in it did not thread the email (a
    stranger naming someone else's ticket, a follow-up of a closed one), and kept, it would
    name a ticket that is not this one in every reply ("Re: Charged twice [#6] [#19]")."""
    return " ".join(SUBJECT_TAG.sub(" ", subject or "").split())


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
