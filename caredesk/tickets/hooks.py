"""The "ticket changed" hook: where later stages (automation rules, search indexing, reports,
webhooks) attach, instead of each editing the services.

Every ticket service, intake and the SLA sweep announce what they changed here; subscribers
are called once the change has committed (never for a change that rolled back), with the
events it recorded, in order. A subscriber that fails is logged and the others still run: the
change itself is done by then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction

from caredesk.tickets.models import TicketEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TicketChanged:
    ticket_id: int
    events: tuple[TicketEvent, ...]  # saved, oldest first

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(e.kind for e in self.events)


Subscriber = Callable[[TicketChanged], None]
_subscribers: list[Subscriber] = []


def ticket_changed_subscribe(subscriber: Subscriber) -> Callable[[], None]:
    """Call `subscriber` after every committed ticket change; returns how to unsubscribe."""
    _subscribers.append(subscriber)

    def unsubscribe() -> None:
        if subscriber in _subscribers:
            _subscribers.remove(subscriber)

    return unsubscribe


def ticket_changed_announce(events: Sequence[TicketEvent]) -> None:
    """Once the current transaction commits, tell every subscriber what changed, one
    `TicketChanged` per ticket."""
    if not events or not _subscribers:
        return
    by_ticket: dict[int, list[TicketEvent]] = {}
    for event in events:
        by_ticket.setdefault(event.ticket_id, []).append(event)
    changes = [TicketChanged(pk, tuple(found)) for pk, found in by_ticket.items()]
    transaction.on_commit(lambda: _deliver(changes))


def _deliver(changes: Sequence[TicketChanged]) -> None:
    for change in changes:
        for subscriber in list(_subscribers):
            try:
                subscriber(change)
            except Exception:
                log.exception("a ticket-changed subscriber failed on #%s", change.ticket_id)
