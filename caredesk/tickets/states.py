"""Which status changes a ticket may make, as a pure table."""

from __future__ import annotations

from caredesk.tickets.models import Status

ALLOWED: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.OPEN: frozenset({Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.PENDING: frozenset({Status.OPEN, Status.ON_HOLD, Status.SOLVED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING, Status.SOLVED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def can_change(current: str, new: str) -> bool:
    return new == current or new in ALLOWED.get(current, frozenset())


def after_customer_message(current: str) -> str:
    """A customer writing (re)opens the ticket; a closed ticket stays closed (a new one is made)."""
    if current in (Status.PENDING, Status.SOLVED, Status.ON_HOLD):
        return Status.OPEN
    return current


def is_open(status: str) -> bool:
    return status not in (Status.SOLVED, Status.CLOSED)
