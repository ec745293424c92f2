"""Every way a ticket changes. Used alike by email processing, the API, the UI and rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.core.text import normalise_subject
from caredesk.customers.models import Customer
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets import states
from caredesk.tickets.models import (
    Message,
    MessageKind,
    MessageReference,
    Participant,
    Status,
    Ticket,
    TicketEvent,
)


def ticket_event_record(
    *, ticket: Ticket, kind: str, actor: Agent | None = None, **data: Any
) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, kind=kind, actor=actor, data=data)


def ticket_create(
    *,
    mailbox: Mailbox,
    customer: Customer,
    requester_address: str,
    requester_name: str = "",
    subject: str,
    actor: Agent | None = None,
    follow_up_of: Ticket | None = None,
    by_customer_email: bool = True,
) -> Ticket:
    now = clock.now()
    ticket = Ticket.objects.create(
        mailbox=mailbox,
        customer=customer,
        subject=normalise_subject(subject)[:500] or "(no subject)",
        created_at=now,
        updated_at=now,
        last_customer_message_at=now if by_customer_email else None,
    )
    Participant.objects.create(
        ticket=ticket,
        address=requester_address,
        name=requester_name[:200],
        role=Participant.Role.REQUESTER,
    )
    data: dict[str, Any] = {"requester": requester_address}
    if follow_up_of is not None:
        data["follow_up_of"] = follow_up_of.pk
    ticket_event_record(ticket=ticket, kind="created", actor=actor, **data)
    return ticket


def ticket_participants_add(
    *, ticket: Ticket, people: Iterable[tuple[str, str]], known: set[str] | None = None
) -> None:
    """Add (address, name) pairs as CC participants, ignoring those already on the ticket
    (`known`, when the caller knows them, saves reading them)."""
    existing = (
        known if known is not None else set(ticket.participants.values_list("address", flat=True))
    )
    new: dict[str, str] = {}
    for address, name in people:
        address = address.strip().lower()
        if address and address not in existing and address not in new:
            new[address] = name
    if new:
        Participant.objects.bulk_create(
            [Participant(ticket=ticket, address=a, name=n[:200]) for a, n in new.items()],
            ignore_conflicts=True,
        )


def message_references_store(*, message: Message, refs: Iterable[str]) -> None:
    unique = {r[:500] for r in refs if r}
    if unique:
        MessageReference.objects.bulk_create(
            [MessageReference(message=message, ref=r) for r in unique], ignore_conflicts=True
        )


def ticket_touch_for_customer_message(*, ticket: Ticket, kind: str) -> None:
    """Record that the customer wrote: reopen where the state table says so.

    Automatic replies never change a ticket's state.
    """
    if kind != MessageKind.CUSTOMER:
        return
    now = clock.now()
    new_status = states.after_customer_message(ticket.status)
    fields = ["updated_at", "last_customer_message_at"]
    if new_status != ticket.status:
        ticket_event_record(
            ticket=ticket, kind="status_changed", old=ticket.status, new=new_status, by="customer"
        )
        ticket.status = new_status
        ticket.solved_at = None
        fields += ["status", "solved_at"]
    ticket.updated_at = now
    ticket.last_customer_message_at = now
    ticket.save(update_fields=fields)


def clean_text(text: str) -> str:
    """Agent-written text, stripped, without NUL characters (no database stores them)."""
    return text.replace("\x00", "").strip()


def ensure_not_merged(ticket: Ticket) -> None:
    if ticket.merged_into_id is not None:
        raise InvalidRequest(
            f"ticket #{ticket.pk} was merged into #{ticket.merged_into_id}; act on that one"
        )


def ticket_set_status(*, ticket: Ticket, status: str, actor: Agent | None) -> Ticket:
    ensure_not_merged(ticket)
    if status not in Status.values:
        raise InvalidRequest(f"status must be one of {', '.join(Status.values)}")
    if not states.can_change(ticket.status, status):
        raise InvalidRequest(f"a {ticket.status} ticket cannot become {status}")
    if status == ticket.status:
        return ticket
    old = ticket.status
    ticket.status = status
    ticket.updated_at = clock.now()
    if status == Status.SOLVED:
        ticket.solved_at = ticket.updated_at
    elif states.is_open(status):
        ticket.solved_at = None
    ticket.save(update_fields=["status", "updated_at", "solved_at"])
    ticket_event_record(ticket=ticket, kind="status_changed", actor=actor, old=old, new=status)
    return ticket


def ticket_add_note(*, ticket: Ticket, author: Agent, text: str) -> Message:
    ensure_not_merged(ticket)
    text = clean_text(text)
    if not text:
        raise InvalidRequest("a note needs some text")
    note = Message.objects.create(
        ticket=ticket,
        mailbox_id=ticket.mailbox_id,
        kind=MessageKind.NOTE,
        author=author,
        from_address=author.email,
        from_name=author.name,
        text=text,
        new_text=text,
    )
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=clock.now())
    ticket_event_record(ticket=ticket, kind="note_added", actor=author, message=note.pk)
    return note


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor: Agent | None, reason: str) -> Ticket:
    """Move everything of `source` into `target`; `source` is closed and points at `target`."""
    if source.pk == target.pk:
        raise InvalidRequest("a ticket cannot be merged into itself")
    if source.mailbox_id != target.mailbox_id:
        raise InvalidRequest("tickets of different mailboxes cannot be merged")
    Message.objects.filter(ticket=source).update(ticket=target)
    ticket_participants_add(
        ticket=target, people=source.participants.values_list("address", "name")
    )
    source.outbound.update(ticket=target)
    Ticket.objects.filter(merged_into=source).update(merged_into=target)
    source.merged_into = target
    source.status = Status.CLOSED
    source.updated_at = clock.now()
    source.save(update_fields=["merged_into", "status", "updated_at"])
    ticket_event_record(ticket=source, kind="merged_into", actor=actor, into=target.pk, why=reason)
    ticket_event_record(ticket=target, kind="merged", actor=actor, source=source.pk, why=reason)
    Ticket.objects.filter(pk=target.pk).update(updated_at=clock.now())
    return target
