"""Every way a ticket changes. Used alike by email processing, the API, the UI and rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any, Final

from django.db import transaction

from caredesk.accounts.models import Agent, Team
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.core.text import normalise_subject
from caredesk.customers.models import Customer
from caredesk.mailboxes.models import Mailbox
from caredesk.sla.services import sla_tickets_update
from caredesk.tickets import states
from caredesk.tickets.attachments import Upload, attachments_store, uploads_check
from caredesk.tickets.models import (
    Message,
    MessageKind,
    Participant,
    Priority,
    Status,
    Tag,
    Ticket,
    TicketEvent,
)


class Unset(Enum):
    """ "Leave this as it is", distinct from None (which can mean "no team")."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


def ticket_event_build(
    *, ticket: Ticket, kind: str, actor: Agent | None = None, **data: Any
) -> TicketEvent:
    """An event not saved yet, for callers that write many at once."""
    return TicketEvent(ticket=ticket, kind=kind, actor=actor, data=data)


def ticket_event_record(
    *, ticket: Ticket, kind: str, actor: Agent | None = None, **data: Any
) -> TicketEvent:
    event = ticket_event_build(ticket=ticket, kind=kind, actor=actor, **data)
    event.save()
    return event


def ticket_build_for_email(*, mailbox: Mailbox, customer: Customer, subject: str) -> Ticket:
    """A ticket (not saved yet) opened by a customer's email that arrives now."""
    now = clock.now()
    return Ticket(
        mailbox=mailbox,
        customer=customer,
        subject=normalise_subject(subject)[:500] or "(no subject)",
        created_at=now,
        updated_at=now,
        last_customer_message_at=now,
    )


def participants_build(
    *, ticket: Ticket, people: Iterable[tuple[str, str]], known: set[str], role: str = "cc"
) -> list[Participant]:
    """Participants (not saved) for the (address, name) pairs not in `known`; `known` grows."""
    built = []
    for address, name in people:
        address = address.strip().lower()
        if address and address not in known:
            known.add(address)
            built.append(Participant(ticket=ticket, address=address, name=name[:200], role=role))
    return built


def ticket_participants_add(*, ticket: Ticket, people: Iterable[tuple[str, str]]) -> None:
    """Add (address, name) pairs as CC participants, ignoring those already on the ticket."""
    known = set(ticket.participants.values_list("address", flat=True))
    new = participants_build(ticket=ticket, people=people, known=known)
    if new:
        Participant.objects.bulk_create(new, ignore_conflicts=True)


def ticket_note_customer_message(*, ticket: Ticket) -> TicketEvent | None:
    """Record on `ticket` (in memory; the caller saves it) that the customer wrote now: reopen
    where the state table says so. Returns the status change event to save, if any.

    Automatic replies never change a ticket's state: callers do not call this for them.
    """
    now = clock.now()
    new_status = states.after_customer_message(ticket.status)
    event = None
    if new_status != ticket.status:
        event = ticket_event_build(
            ticket=ticket, kind="status_changed", old=ticket.status, new=new_status, by="customer"
        )
        ticket.status = new_status
        ticket.solved_at = None
    ticket.updated_at = now
    ticket.last_customer_message_at = now
    return event


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
    sla_tickets_update(tickets=[ticket])
    return ticket


def ticket_assign(*, ticket: Ticket, agent: Agent | None, actor: Agent | None) -> Ticket:
    """Give the ticket to `agent` (None: nobody); they are told of SLA warnings on it."""
    ensure_not_merged(ticket)
    if agent is not None and not agent.is_active:
        raise InvalidRequest(f"{agent.email} is not an active agent")
    if agent == ticket.assignee:
        return ticket
    previous = ticket.assignee.email if ticket.assignee is not None else None
    ticket.assignee = agent
    ticket.updated_at = clock.now()
    ticket.save(update_fields=["assignee", "updated_at"])
    ticket_event_record(
        ticket=ticket,
        kind="assigned",
        actor=actor,
        assignee=agent.email if agent is not None else None,
        previous=previous,
    )
    return ticket


@transaction.atomic
def ticket_set_priority(*, ticket: Ticket, priority: str, actor: Agent, reason: str) -> Ticket:
    """An agent's choice of priority, with why; detection never overrides it afterwards."""
    ensure_not_merged(ticket)
    if priority not in Priority.values:
        raise InvalidRequest(f"priority must be one of {', '.join(Priority.values)}")
    reason = clean_text(reason)
    if not reason:
        raise InvalidRequest("say why the priority changes (the reason is kept on the ticket)")
    if priority == ticket.priority:
        return ticket
    previous = ticket.priority
    ticket.priority = priority
    ticket.updated_at = clock.now()
    ticket.save(update_fields=["priority", "updated_at"])
    ticket_event_record(
        ticket=ticket,
        kind="priority_set",
        actor=actor,
        priority=priority,
        previous=previous,
        why=reason[:500],
        by="agent",
    )
    sla_tickets_update(tickets=[ticket])
    return ticket


@transaction.atomic
def ticket_set_properties(
    *,
    ticket: Ticket,
    actor: Agent,
    team: Team | Unset | None = UNSET,
    category: str | Unset = UNSET,
    tags: Sequence[str] | Unset = UNSET,
) -> Ticket:
    """Change the team, category or tags (what is not passed stays as it is), recording each
    change, then let SLA policies that match on them apply."""
    ensure_not_merged(ticket)
    now = clock.now()
    fields = []
    if not isinstance(team, Unset) and team != ticket.team:
        previous = ticket.team_id
        ticket.team = team
        fields.append("team")
        ticket_event_record(
            ticket=ticket,
            kind="team_changed",
            actor=actor,
            team=team.pk if team is not None else None,
            previous=previous,
        )
    if not isinstance(category, Unset):
        category = clean_text(category)[:100]
        if category != ticket.category:
            previous_category = ticket.category
            ticket.category = category
            fields.append("category")
            ticket_event_record(
                ticket=ticket,
                kind="category_changed",
                actor=actor,
                category=category,
                previous=previous_category,
            )
    if not isinstance(tags, Unset):
        wanted = sorted({clean_text(t).lower()[:50] for t in tags} - {""})
        have = set(ticket.tags.values_list("name", flat=True))
        for name in wanted:
            if name not in have:
                ticket.tags.add(Tag.objects.get_or_create(name=name)[0])
                ticket_event_record(ticket=ticket, kind="tag_added", actor=actor, tag=name)
        for name in sorted(have - set(wanted)):
            ticket.tags.remove(*Tag.objects.filter(name=name))
            ticket_event_record(ticket=ticket, kind="tag_removed", actor=actor, tag=name)
    ticket.updated_at = now
    ticket.save(update_fields=[*fields, "updated_at"])
    sla_tickets_update(tickets=[ticket])
    return ticket


@transaction.atomic
def ticket_add_note(
    *, ticket: Ticket, author: Agent, text: str, attachments: Sequence[Upload] = ()
) -> Message:
    """An internal note, for agents only; its files are kept on it and never emailed."""
    ensure_not_merged(ticket)
    text = clean_text(text)
    if not text:
        raise InvalidRequest("a note needs some text")
    files = uploads_check(attachments)
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
    attachments_store(message=note, uploads=files)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=clock.now())
    ticket_event_record(ticket=ticket, kind="note_added", actor=author, message=note.pk)
    return note


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor: Agent | None, reason: str) -> Ticket:
    """Move everything of `source` into `target`; `source` is closed and points at `target`."""
    if source.pk == target.pk:
        raise InvalidRequest("a ticket cannot be merged into itself")
    ensure_not_merged(source)
    ensure_not_merged(target)
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
    sla_tickets_update(tickets=[source])
    ticket_event_record(ticket=target, kind="merged", actor=actor, source=source.pk, why=reason)
    Ticket.objects.filter(pk=target.pk).update(updated_at=clock.now())
    return target
