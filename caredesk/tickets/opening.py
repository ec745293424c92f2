"""A new ticket opened by a customer's message: one builder for intake and for splitting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from caredesk.core.text import normalise_subject
from caredesk.customers.models import Customer
from caredesk.history.events import Event, priority_set_event
from caredesk.history.kinds import By
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Priority, Status, Ticket
from caredesk.tickets.priority import PriorityRules


@dataclass
class Opening:
    ticket: Ticket  # not saved yet
    events: list[Event] = field(default_factory=list)  # what opening it decided (priority)


def ticket_open_build(
    *,
    mailbox: Mailbox,
    customer: Customer,
    subject: str,
    at: datetime,
    last_customer_message_at: datetime | None = None,
    detect_from: str | None = None,
    vip: bool = False,
    rules: PriorityRules | None = None,
) -> Opening:
    """A ticket (not saved) for `customer`'s message (the customer may be new and unsaved too)
    arriving `at`, status new. With
    `detect_from` (what the customer wrote now, not the history they quote) and `rules`, its
    priority is what the subject and that text ask for, recorded with why."""
    ticket = Ticket(
        mailbox=mailbox,
        customer=customer,
        subject=normalise_subject(subject)[:500] or "(no subject)",
        status=Status.NEW,
        priority=Priority.NORMAL,
        created_at=at,
        updated_at=at,
        last_customer_message_at=last_customer_message_at or at,
    )
    opening = Opening(ticket)
    if detect_from is not None and rules is not None:
        found = rules.detect(subject=ticket.subject, text=detect_from, vip=vip)
        if found.reasons:
            ticket.priority = found.priority
            opening.events.append(
                priority_set_event(
                    ticket=ticket,
                    priority=found.priority,
                    previous=None,
                    why=found.reason,
                    by=By.DETECTION,
                )
            )
    return opening
