"""Decide, for each email of a batch, what happens to it, without writing anything yet.

The decisions of a batch are then written table by table (`inbound.record`). Deciding reads the
database once per batch (`ConversationIndex`, customers, acknowledgement counts) and keeps what
the batch's earlier emails decided in memory, so the outcome is the same as handling the emails
one after another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery

from caredesk.conversation.index import ConversationIndex, Stored
from caredesk.core import clock
from caredesk.core.text import subject_untagged
from caredesk.customers.models import Customer
from caredesk.customers.selectors import customers_by_address, organisations_by_domain
from caredesk.customers.services import customer_language_detect
from caredesk.history.events import Event
from caredesk.inbound.bounces import bounce_record
from caredesk.inbound.models import IntakeStatus, Source
from caredesk.inbound.prepare import Incoming
from caredesk.inbound.types import Kind
from caredesk.language.upset import Assessment, Signals, upset_assess
from caredesk.mailboxes.models import Mailbox
from caredesk.mailboxes.selectors import mailbox_owns_address
from caredesk.tickets.acknowledgements import (
    acknowledgement_allowed,
    acknowledgements_sent_last_hour,
)
from caredesk.tickets.models import Message, MessageKind, Status, Ticket
from caredesk.tickets.opening import ticket_open_build
from caredesk.tickets.selectors import priority_rules_current
from caredesk.tickets.services import ticket_note_customer_message


@dataclass
class Decision:
    item: Incoming
    status: str
    reason: str = ""
    ticket: Ticket | None = None  # the ticket the email is recorded on (maybe new, unsaved)
    created: bool = False  # `ticket` is new, opened by this email
    follow_up_of: Ticket | None = None  # the closed ticket a new one follows up
    customer: Customer | None = None  # the requester of a new ticket (maybe new, unsaved)
    acknowledge: bool = False
    ack_skipped: bool = False  # an acknowledgement was due but refused (rate limit, robot)
    # Send the acknowledgement only after CAREDESK_ACK_HOLD_SECONDS: the email answers one
    # caredesk does not hold, so more of its conversation may be on its way.
    ack_hold: bool = False
    participants: list[tuple[str, str]] = field(default_factory=list)  # besides the sender
    events: list[Event] = field(default_factory=list)
    duplicate_of: Stored | None = None
    duplicate_of_decision: Decision | None = None  # when the original came earlier in the batch
    message_pk: int | None = None  # the message recorded, once written
    strays: tuple[Ticket, ...] = ()  # other parts of a split conversation: merge first
    notes: list[str] = field(default_factory=list)  # for the message's list of defects
    upset: Assessment | None = None  # for a customer's message: how upset they sound

    @property
    def records_message(self) -> bool:
        return (
            self.status == IntakeStatus.PROCESSED
            and self.ticket is not None
            and self.item.verdict.kind != Kind.BOUNCE
        )


class Planner:
    """Decisions for the emails of one batch, in order."""

    def __init__(self, items: Sequence[Incoming]) -> None:
        people = [i for i in items if i.sender is not None and i.verdict.kind != Kind.BOUNCE]
        self.index = ConversationIndex(people)
        addresses = {i.sender.address for i in people if i.sender is not None}
        self._customers = customers_by_address(addresses)
        self._organisations = organisations_by_domain(
            a.rpartition("@")[2] for a in addresses if a not in self._customers
        )
        self._priority_rules = priority_rules_current()
        self._new_addresses: set[str] = set()
        self._acks = acknowledgements_sent_last_hour(addresses)
        self.new_tickets: set[int] = set()  # id() of the tickets this batch opens
        self.touched: dict[int, Ticket] = {}  # stored tickets whose fields changed, by pk
        self.renamed: dict[int, Customer] = {}  # stored customers who got their name
        self.relanguaged: dict[int, Customer] = {}  # stored customers whose language changed
        self._by_key: dict[tuple[int, str, str], Decision] = {}  # the batch's recorded emails

    def decide(self, item: Incoming) -> Decision:
        """What happens to `item`. Writes nothing, except for a bounce, whose record touches
        only the outgoing email it reports on and is written at once (in a savepoint)."""
        mailbox = item.mailbox
        if item.verdict.kind == Kind.BOUNCE:
            with transaction.atomic():
                outcome = bounce_record(parsed=item.parsed, tags=item.tags)
            if outcome.outbound is None:
                return Decision(item, IntakeStatus.IGNORED, outcome.reason)
            ticket = outcome.outbound.ticket
            return Decision(item, IntakeStatus.PROCESSED, outcome.reason, ticket=ticket)

        sender = item.sender
        if sender is None:
            return Decision(
                item, IntakeStatus.QUARANTINED, "no sender address in From or the envelope"
            )
        if mailbox_owns_address(mailbox=mailbox, address=sender.address):
            return Decision(item, IntakeStatus.IGNORED, "sent by this mailbox itself (mail loop)")

        stored = self.index.stored(item)
        if stored is not None:
            # The reason names the ticket once it is written (it may be new in this batch).
            return Decision(
                item,
                IntakeStatus.IGNORED,
                ticket=stored.ticket,
                duplicate_of=stored,
                duplicate_of_decision=self._by_key.get(
                    (item.row.mailbox_id, item.key, item.digest)
                ),
            )
        reused = self.index.reused(item)

        match = self.index.match(item, sender.address)
        if len(match.tickets) > 1:
            first, *rest = match.tickets
            return Decision(item, IntakeStatus.RECEIVED, ticket=first, strays=tuple(rest))
        ticket = match.tickets[0] if match.tickets else None
        if ticket is None and item.is_auto:
            reason = f"automatic reply to no known ticket ({item.verdict.reason})"
            return Decision(item, IntakeStatus.IGNORED, reason)

        if ticket is None or (ticket.status == Status.CLOSED and not item.is_auto):
            # A customer writing on a closed ticket starts a follow-up, as agents expect.
            decision = self._new_ticket(item, mailbox, follow_up_of=ticket)
        else:
            decision = Decision(
                item, IntakeStatus.PROCESSED, f"joined via {match.via}", ticket=ticket
            )
        if reused is not None:
            decision.notes.append(
                f"Message-ID <{item.key}> was already used by a different email "
                f"(on ticket {_reference(reused)}); kept as a message of its own"
            )
        if not item.is_auto:
            self._participants(decision, mailbox)
        self._remember(decision)
        self._language(decision)
        return decision

    def _language(self, decision: Decision) -> None:
        """A sure detection becomes the sender's language (an agent's choice stays)."""
        item = decision.item
        if not item.language.sure or item.verdict.kind != Kind.HUMAN or item.sender is None:
            return
        customer = self._customers.get(item.sender.address)
        if customer is None:
            return
        changed = customer_language_detect(customer=customer, language=item.language.language)
        if changed and customer.pk is not None:
            self.relanguaged[customer.pk] = customer

    def assess(self, decisions: Sequence[Decision]) -> None:
        """How upset each customer message sounds, with what no language is needed for: how
        many times in a row the customer wrote without a reply (the batch's earlier emails
        included) and since when. Reads the stored tickets' counts in one query."""
        wanted = [d for d in decisions if d.records_message and d.item.verdict.kind == Kind.HUMAN]
        stored = {
            d.ticket.pk
            for d in wanted
            if d.ticket is not None
            and d.ticket.pk is not None
            and id(d.ticket) not in self.new_tickets
        }
        waiting = _unanswered(stored)
        now = clock.now()
        running: dict[int, tuple[int, datetime]] = {}
        for decision in wanted:
            ticket = decision.ticket
            assert ticket is not None
            before = running.get(id(ticket))
            if before is None:
                count, since = waiting.get(ticket.pk, (0, None)) if ticket.pk else (0, None)
                before = (count, since or now)
            count, since = before[0] + 1, before[1]
            running[id(ticket)] = (count, since)
            signals = Signals(
                unanswered=count, waited=now - since, reopened=decision.follow_up_of is not None
            )
            decision.upset = upset_assess(
                decision.item.split.new, language=decision.item.language.language, signals=signals
            )

    def _participants(self, decision: Decision, mailbox: Mailbox) -> None:
        """The people an email adds to its ticket: its sender and whoever else it was addressed
        to, except us. A stranger's long CC list must not turn replies into bulk mail: at most
        CAREDESK_PARTICIPANTS_PER_EMAIL new people come from one email, and a ticket never grows
        past CAREDESK_PARTICIPANTS_PER_TICKET; the message says who was left out."""
        item, ticket = decision.item, decision.ticket
        assert ticket is not None and item.sender is not None
        people = self.index.people(ticket)
        sender = item.sender.address
        fresh = [] if sender in people else [sender]
        others: list[tuple[str, str]] = []
        seen = {sender}
        for a in (*item.parsed.to, *item.parsed.cc):
            address = a.address.strip().lower()
            if not address or address in seen:
                continue
            seen.add(address)
            if not mailbox_owns_address(mailbox=mailbox, address=address):
                others.append((address, a.name))
        new = [(a, n) for a, n in others if a not in people]
        room = settings.CAREDESK_PARTICIPANTS_PER_TICKET - len(people) - len(fresh)
        allowed = max(0, min(settings.CAREDESK_PARTICIPANTS_PER_EMAIL, room))
        if len(new) > allowed:
            decision.notes.append(
                f"{len(new)} new addresses in To and Cc; {allowed} taken as participants, "
                f"{len(new) - allowed} left out, from {new[allowed][0]} on"
            )
            left_out = {a for a, _ in new[allowed:]}
            others = [(a, n) for a, n in others if a not in left_out]
        decision.participants = [(sender, item.sender.name), *others]

    def _new_ticket(
        self, item: Incoming, mailbox: Mailbox, *, follow_up_of: Ticket | None
    ) -> Decision:
        assert item.sender is not None
        address, name = item.sender.address, item.sender.name
        customer = self._customers.get(address)
        first_contact = customer is None and address not in self._new_addresses
        if customer is None:
            organisation = self._organisations.get(address.rpartition("@")[2])
            customer = Customer(name=name or "", organisation=organisation)
        elif name and not customer.name:
            customer.name = name
            if customer.pk is not None:
                self.renamed[customer.pk] = customer
        # What the customer wrote now, not the history they quote, sets the priority.
        human = item.verdict.kind == Kind.HUMAN
        opening = ticket_open_build(
            mailbox=mailbox,
            customer=customer,
            subject=subject_untagged(item.parsed.subject),
            at=clock.now(),
            detect_from=item.split.new if human else None,
            vip=customer.is_vip,
            rules=self._priority_rules,
        )
        ticket = opening.ticket
        decision = Decision(
            item,
            IntakeStatus.PROCESSED,
            "new ticket",
            ticket=ticket,
            created=True,
            follow_up_of=follow_up_of,
            customer=customer,
            events=opening.events,
        )
        # Imported history is old mail: acknowledging it now would surprise every past customer.
        wants_ack = (
            item.verdict.kind == Kind.HUMAN
            and item.row.source != Source.IMPORT
            and mailbox.acknowledge
        )
        if wants_ack:
            sent = 0 if first_contact else self._acks.get(address, 0)
            decision.acknowledge = acknowledgement_allowed(address=address, sent_last_hour=sent)
            decision.ack_skipped = not decision.acknowledge
            decision.ack_hold = follow_up_of is None and bool(item.parsed.thread_ids)
        return decision

    def _remember(self, decision: Decision) -> None:
        """Let the batch's later emails see what `decision` will write."""
        item, ticket = decision.item, decision.ticket
        assert ticket is not None and item.sender is not None
        address = item.sender.address
        if decision.created:
            self.new_tickets.add(id(ticket))
            if decision.customer is not None and decision.customer.pk is None:
                self._new_addresses.add(address)
                self._customers[address] = decision.customer
            if decision.acknowledge:
                self._acks[address] = self._acks.get(address, 0) + 1
        elif not item.is_auto:
            event = ticket_note_customer_message(ticket=ticket)
            if event is not None:
                decision.events.append(event)
            if ticket.pk is not None and id(ticket) not in self.new_tickets:
                self.touched[ticket.pk] = ticket
        self._by_key[(item.row.mailbox_id, item.key, item.digest)] = decision
        people = [address, *(a.strip().lower() for a, _ in decision.participants)]
        self.index.remember(item, ticket, people)


def _unanswered(ticket_ids: set[int]) -> dict[int, tuple[int, datetime | None]]:
    """For each ticket, how many customer messages came after its last reply, and since when."""
    if not ticket_ids:
        return {}
    last_reply = (
        Message.objects.filter(ticket_id=OuterRef("ticket_id"), kind=MessageKind.REPLY)
        .values("ticket_id")
        .annotate(at=Max("created_at"))
        .values("at")
    )
    rows = (
        Message.objects.filter(ticket_id__in=ticket_ids, kind=MessageKind.CUSTOMER)
        .annotate(replied=Subquery(last_reply))
        .filter(Q(replied__isnull=True) | Q(created_at__gt=F("replied")))
        .values("ticket_id")
        .annotate(count=Count("id"), since=Min("created_at"))
    )
    return {row["ticket_id"]: (row["count"], row["since"]) for row in rows}


def _reference(ticket: Ticket) -> str:
    return ticket.reference if ticket.pk is not None else "opened by an earlier email of this batch"
