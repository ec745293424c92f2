"""Changing a ticket, the one way: lock its row, change it, record what happened, bring its
SLA timers up to date once, and announce the change once it commits.

Every ticket service runs inside `ticket_changing`, so each is atomic (a failure anywhere
leaves the ticket, its history and its timers as they were) and two agents changing one
ticket at once take turns instead of overwriting each other. Intake and the SLA sweep, which
change many tickets at once, finish their batches through `changes_finish` too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import cast

from django.db import transaction

from caredesk.core.errors import InvalidRequest
from caredesk.history.events import Event
from caredesk.sla.book import SlaBook
from caredesk.sla.services import Happened
from caredesk.tickets.hooks import ticket_changed_announce
from caredesk.tickets.models import Tag, Ticket, TicketEvent
from caredesk.tickets.sla_sync import tickets_sla_update


@dataclass
class TicketChange:
    """What one change does to one (locked) ticket, collected until it finishes."""

    ticket: Ticket
    events: list[Event] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)  # ticket fields to save
    happened: Happened = field(default_factory=Happened)
    sla: bool = False  # whether the SLA timers need bringing up to date
    tags_added: set[str] = field(default_factory=set)
    tags_removed: set[str] = field(default_factory=set)

    def record(self, event: Event) -> None:
        self.events.append(event)

    def save(self, *fields: str) -> None:
        self.fields.update(fields)

    def retime(self, **happened: bool) -> None:
        """The SLA timers must follow this change (and what `happened`, if anything)."""
        self.sla = True
        if happened:
            self.happened = replace(self.happened, **happened)


def ticket_lock(ticket: Ticket) -> None:
    """Lock `ticket`'s row until the transaction ends and read it afresh into `ticket`, so
    what the service decides is based on the row as it is now."""
    fresh = Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
    if fresh is None:
        raise InvalidRequest(f"ticket #{ticket.pk} no longer exists")
    for column in Ticket._meta.concrete_fields:
        setattr(ticket, column.attname, getattr(fresh, column.attname))


def ensure_not_merged(ticket: Ticket) -> None:
    if ticket.merged_into_id is not None:
        raise InvalidRequest(
            f"ticket #{ticket.pk} was merged into #{ticket.merged_into_id}; act on that one"
        )


@contextmanager
def ticket_changing(ticket: Ticket, *, merged_ok: bool = False) -> Iterator[TicketChange]:
    """Change `ticket` atomically: `with ticket_changing(ticket) as change: ...`, then the
    change is saved, recorded, its timers updated, and announced after commit."""
    with transaction.atomic():
        ticket_lock(ticket)
        if not merged_ok:
            ensure_not_merged(ticket)
        change = TicketChange(ticket)
        yield change
        changes_finish([change])


def events_save(events: Sequence[Event]) -> list[TicketEvent]:
    """Store `events` as the tickets' history, in order (one INSERT)."""
    # An event's ticket is a Ticket row: `caredesk.history` only knows it has a pk.
    rows = [
        TicketEvent(
            ticket=cast(Ticket, e.ticket), kind=e.kind, actor_id=e.actor_id, data=dict(e.data)
        )
        for e in events
    ]
    return TicketEvent.objects.bulk_create(rows)


def changes_finish(
    changes: Sequence[TicketChange],
    *,
    book: SlaBook | None = None,
    now: datetime | None = None,
    save_tickets: bool = True,
) -> list[TicketEvent]:
    """Save each change's ticket fields and events, bring the timers of the tickets that need
    it up to date in one pass (recording the timers' events after the change's own), and
    announce it all after commit. Returns the events saved."""
    if save_tickets:
        for change in changes:
            if change.fields:
                change.ticket.save(update_fields=sorted(change.fields))
    _tags_write(changes)
    saved = events_save([event for change in changes for event in change.events])
    retimed = [change for change in changes if change.sla]
    if retimed:
        timers = tickets_sla_update(
            tickets=[c.ticket for c in retimed],
            happened={c.ticket.pk: c.happened for c in retimed},
            book=book,
            now=now,
        )
        saved += events_save(timers)
    ticket_changed_announce(saved)
    return saved


def _tags_write(changes: Sequence[TicketChange]) -> None:
    added = [(c.ticket.pk, name) for c in changes for name in sorted(c.tags_added)]
    removed = [(c.ticket.pk, name) for c in changes for name in sorted(c.tags_removed)]
    through = Ticket.tags.through
    if added:
        names = {name for _, name in added}
        Tag.objects.bulk_create([Tag(name=name) for name in sorted(names)], ignore_conflicts=True)
        ids = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
        through.objects.bulk_create(
            [through(ticket_id=ticket, tag_id=ids[name]) for ticket, name in added],
            ignore_conflicts=True,
        )
    for ticket, name in removed:
        through.objects.filter(ticket_id=ticket, tag__name=name).delete()
