"""What the database, and the emails of a batch handled so far, know about conversations, and
matching an incoming email to its ticket with it.

Order (first hit wins): our per-ticket reply address token; In-Reply-To/References against every
Message-ID we hold (ours and customers') *and* every Message-ID our stored messages point back
at; the `[#123]` subject tag when the sender already takes part in that ticket; otherwise new.
Matching on the ids stored messages point back at is what makes threading independent of arrival
order: a reply processed before the message it answers leaves that message's id behind, and the
late parent (or a sibling reply) finds the ticket through it.

The index is built once for a batch of emails with a handful of queries (instead of several
per email), then kept up to date in memory as the batch's emails are threaded, so that an email
can join a conversation that an earlier email of the same batch started, in either order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from caredesk.conversation.keys import SUBJECT_TAG
from caredesk.conversation.types import IncomingEmail
from caredesk.history.kinds import EventKind
from caredesk.outbound.compose import BOUNCE_TAG_PREFIX
from caredesk.tickets.models import (
    Message,
    MessageKind,
    MessageReference,
    Participant,
    Ticket,
    TicketEvent,
)

# Conversation entries that are emails caredesk itself sent (their Message-IDs are ours).
OUTGOING_KINDS = frozenset({MessageKind.REPLY, MessageKind.ACKNOWLEDGEMENT})


@dataclass(frozen=True)
class ThreadMatch:
    # The tickets the email belongs to, oldest first: more than one when the conversation had
    # been split before this email joined the parts (the first is where they are merged into).
    tickets: tuple[Ticket, ...]
    via: str  # "token" | "references" | "subject" | "new"


@dataclass(frozen=True)
class Stored:
    """A message already stored: a later delivery of the same email is its duplicate."""

    message_pk: int | None  # None while the message is only decided on, not yet written
    ticket: Ticket


@dataclass
class ConversationIndex:
    items: Sequence[IncomingEmail]
    # (mailbox, Message-ID) -> (message pk, ticket pk, whether caredesk itself sent it)
    _messages: dict[tuple[int, str], tuple[int, int, bool]] = field(default_factory=dict)
    # (mailbox, Message-ID) -> {content digest: (message pk, ticket pk)}, oldest first
    _digests: dict[tuple[int, str], dict[str, tuple[int, int]]] = field(default_factory=dict)
    _pointed: dict[tuple[int, str], set[int]] = field(default_factory=dict)
    _tokens: dict[tuple[int, str], int] = field(default_factory=dict)
    _participants: set[tuple[int, str]] = field(default_factory=set)
    _participants_of: set[int] = field(default_factory=set)  # tickets whose are loaded
    _tickets: dict[int, Ticket] = field(default_factory=dict)
    # Learnt from the batch: Message-IDs recorded, ids pointed at, by ticket object.
    _batch_messages: dict[tuple[int, str], Ticket] = field(default_factory=dict)
    _batch_digests: dict[tuple[int, str], dict[str, Ticket]] = field(default_factory=dict)
    _batch_pointed: dict[tuple[int, str], list[Ticket]] = field(default_factory=dict)
    _batch_participants: dict[int, set[str]] = field(default_factory=dict)  # by id(ticket)

    def __post_init__(self) -> None:
        self._load()

    # -- loading --------------------------------------------------------------------------

    def _load(self) -> None:
        mailbox_ids = {item.mailbox_id for item in self.items}
        ids = {item.key for item in self.items}
        ids.update(t[:500] for item in self.items for t in item.parsed.thread_ids)
        if ids:
            found = Message.objects.filter(mailbox_id__in=mailbox_ids, message_id__in=ids)
            for pk, mailbox_id, message_id, ticket_id, kind, digest in found.order_by(
                "pk"
            ).values_list("pk", "mailbox_id", "message_id", "ticket_id", "kind", "content_digest"):
                ours = kind in OUTGOING_KINDS
                at = (mailbox_id, message_id or "")
                self._messages.setdefault(at, (pk, ticket_id, ours))  # threading: the first
                self._digests.setdefault(at, {}).setdefault(digest, (pk, ticket_id))
        # Messages that point at the same ids (siblings), or at an email of the batch (replies
        # to it that arrived first). Looked up by the reference alone, so the query follows the
        # `ref` index whatever the planner knows; the mailbox is checked on the rows found.
        pointed = {t[:500] for item in self.items for t in item.parsed.thread_ids}
        pointed.update(item.parsed.message_id[:500] for item in self.items)
        pointed.discard("")
        if pointed:
            for ref, ticket_id, mailbox_id in (
                MessageReference.objects.filter(ref__in=pointed)
                .order_by()
                .values_list("ref", "message__ticket_id", "message__mailbox_id")
            ):
                if mailbox_id in mailbox_ids:
                    self._pointed.setdefault((mailbox_id, ref), set()).add(ticket_id)
        tokens = {t for i in self.items for t in i.tags if not t.startswith(BOUNCE_TAG_PREFIX)}
        wanted = {ticket_id for found in self._digests.values() for _, ticket_id in found.values()}
        wanted.update(t for found in self._pointed.values() for t in found)
        numbers = {int(n) for item in self.items for n in SUBJECT_TAG.findall(item.parsed.subject)}
        query = Ticket.objects.filter(pk__in=wanted | numbers)
        if tokens:
            query = query | Ticket.objects.filter(reply_token__in=tokens)
        if wanted or numbers or tokens:
            for ticket in query:
                self._tickets[ticket.pk] = ticket
                self._tokens[(ticket.mailbox_id, ticket.reply_token)] = ticket.pk
        self._load_participants(set(self._tickets))

    def _load_participants(self, ticket_ids: set[int]) -> None:
        wanted = ticket_ids - self._participants_of
        if wanted:
            found = Participant.objects.filter(ticket_id__in=wanted)
            self._participants.update(found.values_list("ticket_id", "address"))
            self._participants_of |= wanted

    def _takes_part(self, ticket: Ticket, sender: str) -> bool:
        """Whether `sender` is already a participant of `ticket` (stored or new in the batch)."""
        if sender in self._batch_participants.get(id(ticket), ()):
            return True
        if ticket.pk is None:
            return False
        self._load_participants({ticket.pk})
        return (ticket.pk, sender) in self._participants

    def people(self, ticket: Ticket) -> set[str]:
        """The addresses taking part in `ticket`, stored and added by the batch so far."""
        found = set(self._batch_participants.get(id(ticket), ()))
        if ticket.pk is not None:
            self._load_participants({ticket.pk})
            found.update(a for t, a in self._participants if t == ticket.pk)
        return found

    def _live(self, ticket_id: int) -> Ticket | None:
        """The ticket that now holds the conversation of `ticket_id`, following merges."""
        ticket = self._tickets.get(ticket_id)
        seen = set()
        while ticket is not None and ticket.merged_into_id is not None:
            if ticket.pk in seen:
                break
            seen.add(ticket.pk)
            target = ticket.merged_into_id
            if target not in self._tickets:
                found = Ticket.objects.filter(pk=target).first()
                if found is None:
                    break
                self._tickets[target] = found
            ticket = self._tickets[target]
        return ticket

    # -- questions ------------------------------------------------------------------------

    def stored(self, item: IncomingEmail) -> Stored | None:
        """The message this email is a second delivery of, if we have it: the same Message-ID
        (or stand-in) and the same content. A message recorded before digests existed (or one
        caredesk wrote, whose digest is empty) is matched by its id alone."""
        at = (item.mailbox_id, item.key)
        batch = self._batch_digests.get(at, {})
        in_batch = batch.get(item.digest)
        if in_batch is not None:
            return Stored(None, in_batch)
        digests = self._digests.get(at, {})
        found = digests.get(item.digest) or digests.get("")
        if found is not None:
            ticket = self._live(found[1])
            if ticket is not None:
                return Stored(found[0], ticket)
        return None

    def reused(self, item: IncomingEmail) -> Ticket | None:
        """The ticket of a *different* email already recorded under this email's Message-ID
        (asked when `stored` found no duplicate): the id was reused."""
        at = (item.mailbox_id, item.key)
        in_batch = next(iter(self._batch_digests.get(at, {}).values()), None)
        if in_batch is not None:
            return in_batch
        found = self._messages.get(at)
        return self._live(found[1]) if found is not None else None

    def match(self, item: IncomingEmail, sender: str) -> ThreadMatch:
        """Our reply token first, then Message-IDs (stored ones and those stored messages point
        at), then the `[#123]` subject tag when `sender` already takes part in that ticket.

        A Message-ID leads to a ticket only when caredesk itself sent that email (a reply or
        an acknowledgement) or when `sender` already takes part in the ticket: an id caredesk
        did not write (an announcement sent from elsewhere to many people, a customer's own
        email) never joins strangers into one ticket.

        Message-IDs leading to several tickets mean a conversation that arrived in parts (they
        are merged), unless an agent split those tickets apart: then the message the email
        answers most directly decides, and nothing is merged."""
        mailbox_id = item.mailbox_id
        for tag in item.tags:  # bounce tags are never loaded as tokens
            ticket_id = self._tokens.get((mailbox_id, tag))
            ticket = self._live(ticket_id) if ticket_id is not None else None
            if ticket is not None:
                return ThreadMatch((ticket,), "token")

        found: list[Ticket] = []
        ids = [t[:500] for t in item.parsed.thread_ids]
        pointed = [*ids, item.parsed.message_id[:500]] if item.parsed.message_id else ids
        for message_id in ids:
            stored = self._messages.get((mailbox_id, message_id))
            if stored is not None:
                ticket = self._require(stored[1])
                if stored[2] or self._takes_part(ticket, sender):
                    found.append(ticket)
            in_batch = self._batch_messages.get((mailbox_id, message_id))
            if in_batch is not None and self._takes_part(in_batch, sender):
                found.append(in_batch)
        for ref in pointed:
            for ticket_id in self._pointed.get((mailbox_id, ref), ()):
                ticket = self._require(ticket_id)
                if self._takes_part(ticket, sender):
                    found.append(ticket)
            found.extend(
                t
                for t in self._batch_pointed.get((mailbox_id, ref), ())
                if self._takes_part(t, sender)
            )
        if found:
            tickets = _oldest_first(found)
            if len(tickets) > 1 and self._split_apart(tickets):
                nearest = self._nearest(mailbox_id, ids, tickets)
                return ThreadMatch((nearest or tickets[0],), "references")
            return ThreadMatch(tickets, "references")

        for number in SUBJECT_TAG.findall(item.parsed.subject):
            ticket = self._live(int(number))
            if ticket is None or ticket.mailbox_id != mailbox_id:
                continue
            if self._takes_part(ticket, sender):
                return ThreadMatch((ticket,), "subject")
        return ThreadMatch((), "new")

    def _split_apart(self, tickets: Sequence[Ticket]) -> bool:
        """Whether an agent split some of `tickets` apart (`tickets.split`). Those are two
        conversations on purpose, not parts of one that arrived out of order: never merge them.

        Asked only when an email points into several tickets, which is rare; the events are read
        then, following merges on either side."""
        pks = {t.pk for t in tickets if t.pk is not None}
        if len(pks) < 2:
            return False
        links = TicketEvent.objects.filter(
            kind__in=[EventKind.SPLIT_INTO, EventKind.SPLIT_FROM], ticket_id__in=pks
        )
        for ticket_id, kind, data in links.values_list("ticket_id", "kind", "data"):
            other = data.get("into" if kind == EventKind.SPLIT_INTO else "source")
            if not isinstance(other, int):
                continue
            if other not in self._tickets:
                loaded = Ticket.objects.filter(pk=other).first()
                if loaded is None:
                    continue
                self._tickets[other] = loaded
            partner = self._live(other)
            if partner is not None and partner.pk in pks and partner.pk != ticket_id:
                return True
        return False

    def _nearest(
        self, mailbox_id: int, ids: Sequence[str], tickets: Sequence[Ticket]
    ) -> Ticket | None:
        """The ticket holding the nearest message the email answers (In-Reply-To first, then
        References newest first), where tickets were split apart."""
        for message_id in ids:
            in_batch = self._batch_messages.get((mailbox_id, message_id))
            if in_batch is not None and in_batch in tickets:
                return in_batch
            stored = self._messages.get((mailbox_id, message_id))
            if stored is not None:
                ticket = self._require(stored[1])
                if ticket in tickets:
                    return ticket
        return None

    def _require(self, ticket_id: int) -> Ticket:
        ticket = self._live(ticket_id)
        if ticket is None:  # deleted meanwhile: only possible outside a conversation lock
            raise LookupError(f"ticket {ticket_id} vanished while threading")
        return ticket

    # -- learning from the batch ----------------------------------------------------------

    def remember(self, item: IncomingEmail, ticket: Ticket, participants: Sequence[str]) -> None:
        """`item` is recorded on `ticket` (maybe not saved yet), with these participants."""
        mailbox_id = item.mailbox_id
        self._batch_messages.setdefault((mailbox_id, item.key), ticket)
        self._batch_digests.setdefault((mailbox_id, item.key), {})[item.digest] = ticket
        for ref in item.parsed.thread_ids:
            self._batch_pointed.setdefault((mailbox_id, ref[:500]), []).append(ticket)
        self._batch_participants.setdefault(id(ticket), set()).update(participants)


def _oldest_first(tickets: list[Ticket]) -> tuple[Ticket, ...]:
    """Once each; stored tickets by number, then the batch's new ones in the order made."""
    unique: dict[int, Ticket] = {}
    for ticket in tickets:
        unique.setdefault(id(ticket), ticket)
    stored = sorted((t for t in unique.values() if t.pk is not None), key=lambda t: t.pk)
    return (*stored, *(t for t in unique.values() if t.pk is None))
