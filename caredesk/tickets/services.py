"""Every way an agent (or caredesk on their behalf) changes a ticket. Used alike by the API,
the workspace, bulk actions, admin actions and the SLA sweep.

Each service changes the ticket through `caredesk.tickets.changes.ticket_changing`: atomic,
the ticket's row locked first, the events recorded with the `caredesk.history` builders, one
SLA update at the end, and the "ticket changed" hook announced after commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Final

from django.db import transaction

from caredesk.accounts.models import Agent, Team
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.core.text import clean_text
from caredesk.history.events import (
    Event,
    assigned_event,
    category_changed_event,
    merged_event,
    merged_into_event,
    note_added_event,
    priority_set_event,
    status_changed_event,
    tag_added_event,
    tag_removed_event,
    team_changed_event,
)
from caredesk.history.kinds import By
from caredesk.notifications.services import notification_assigned_create
from caredesk.tickets import states
from caredesk.tickets.acknowledgements import acknowledgements_settle
from caredesk.tickets.attachments import Upload, attachments_store, uploads_check
from caredesk.tickets.changes import (
    TicketChange,
    changes_finish,
    ensure_not_merged,
    ticket_changing,
    ticket_lock,
)
from caredesk.tickets.models import (
    Message,
    MessageKind,
    Participant,
    Priority,
    Status,
    Ticket,
)


class Unset(Enum):
    """ "Leave this as it is", distinct from None (which can mean "no team")."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


def _actor_id(actor: Agent | None) -> int | None:
    return actor.pk if actor is not None else None


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


def ticket_note_customer_message(*, ticket: Ticket) -> Event | None:
    """Record on `ticket` (in memory; the caller saves it) that the customer wrote now: reopen
    where the state table says so. Returns the status change event to save, if any.

    Automatic replies never change a ticket's state: callers do not call this for them.
    """
    now = clock.now()
    new_status = states.after_customer_message(ticket.status)
    event = None
    if new_status != ticket.status:
        event = status_changed_event(
            ticket=ticket, old=ticket.status, new=new_status, by=By.CUSTOMER
        )
        ticket.status = new_status
        ticket.solved_at = None
    ticket.updated_at = now
    ticket.last_customer_message_at = now
    return event


def status_apply(
    change: TicketChange, *, status: str, actor: Agent | None, by: By | None = None
) -> None:
    """Move the locked ticket of `change` to `status`, if the state table allows it."""
    ticket = change.ticket
    if status not in Status.values:
        raise InvalidRequest(f"status must be one of {', '.join(Status.values)}")
    if not states.can_change(ticket.status, status):
        raise InvalidRequest(f"a {ticket.status} ticket cannot become {status}")
    if status == ticket.status:
        return
    old = ticket.status
    ticket.status = status
    ticket.updated_at = clock.now()
    if status == Status.SOLVED:
        ticket.solved_at = ticket.updated_at
    elif states.is_open(status):
        ticket.solved_at = None
    change.save("status", "updated_at", "solved_at")
    change.record(
        status_changed_event(ticket=ticket, old=old, new=status, actor_id=_actor_id(actor), by=by)
    )
    change.retime()


def ticket_set_status(*, ticket: Ticket, status: str, actor: Agent | None) -> Ticket:
    with ticket_changing(ticket) as change:
        status_apply(change, status=status, actor=actor)
    return ticket


def ticket_assign(*, ticket: Ticket, agent: Agent | None, actor: Agent | None) -> Ticket:
    """Give the ticket to `agent` (None: nobody); they are told of SLA warnings on it, and
    (when another agent gave it them) of the assignment itself."""
    with ticket_changing(ticket) as change:
        assignee_apply(change, agent=agent, actor=actor)
    return ticket


def assignee_apply(
    change: TicketChange, *, agent: Agent | None, actor: Agent | None, by: By | None = None
) -> None:
    if agent is not None and not agent.is_active:
        raise InvalidRequest(f"{agent.email} is not an active agent")
    ticket = change.ticket
    previous = ticket.assignee_id
    if (agent.pk if agent is not None else None) == previous:
        return
    ticket.assignee = agent
    ticket.updated_at = clock.now()
    change.save("assignee", "updated_at")
    change.record(
        assigned_event(
            ticket=ticket,
            assignee_id=_actor_id(agent),
            previous_id=previous,
            actor_id=_actor_id(actor),
            by=by,
        )
    )
    if agent is not None:
        notification_assigned_create(
            agent=agent, actor=actor, ticket_id=ticket.pk, subject=ticket.subject
        )


def priority_apply(
    change: TicketChange, *, priority: str, actor: Agent | None, reason: str, by: By | None
) -> None:
    ticket = change.ticket
    if priority not in Priority.values:
        raise InvalidRequest(f"priority must be one of {', '.join(Priority.values)}")
    if priority == ticket.priority:
        return
    previous = ticket.priority
    ticket.priority = priority
    change.save("priority")
    change.record(
        priority_set_event(
            ticket=ticket,
            priority=priority,
            previous=previous,
            why=reason,
            actor_id=_actor_id(actor),
            by=by,
        )
    )
    _touched(change)


def ticket_set_priority(*, ticket: Ticket, priority: str, actor: Agent, reason: str) -> Ticket:
    """An agent's choice of priority, with why; detection never overrides it afterwards."""
    reason = clean_text(reason)
    if not reason:
        raise InvalidRequest("say why the priority changes (the reason is kept on the ticket)")
    with ticket_changing(ticket) as change:
        priority_apply(change, priority=priority, actor=actor, reason=reason, by=None)
    return ticket


def team_apply(
    change: TicketChange, *, team_id: int | None, actor: Agent | None, by: By | None = None
) -> None:
    ticket = change.ticket
    if team_id == ticket.team_id:
        return
    previous = ticket.team_id
    ticket.team_id = team_id
    change.save("team")
    change.record(
        team_changed_event(
            ticket=ticket, team_id=team_id, previous_id=previous, actor_id=_actor_id(actor), by=by
        )
    )
    _touched(change)


def category_apply(
    change: TicketChange, *, category: str, actor: Agent | None, by: By | None = None
) -> None:
    ticket = change.ticket
    category = clean_text(category)[:100]
    if category == ticket.category:
        return
    previous = ticket.category
    ticket.category = category
    change.save("category")
    change.record(
        category_changed_event(
            ticket=ticket, category=category, previous=previous, actor_id=_actor_id(actor), by=by
        )
    )
    _touched(change)


def tags_apply(
    change: TicketChange,
    *,
    have: set[str],
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    actor: Agent | None,
    by: By | None = None,
) -> None:
    """Add and remove tags on the ticket that has the tags `have` now; the links are written
    when the change finishes (in one statement for a whole batch of changes)."""
    ticket = change.ticket
    added = sorted(tag_names(add) - have)
    removed = sorted((tag_names(remove) & have) - set(added))
    for name in added:
        change.tags_added.add(name)
        change.record(tag_added_event(ticket=ticket, tag=name, actor_id=_actor_id(actor), by=by))
    for name in removed:
        change.tags_removed.add(name)
        change.record(tag_removed_event(ticket=ticket, tag=name, actor_id=_actor_id(actor), by=by))
    if added or removed:
        have.update(added)
        have.difference_update(removed)
        _touched(change)


def _touched(change: TicketChange) -> None:
    """A field SLA policies may match on changed: the timers follow, the ticket shows
    activity."""
    change.ticket.updated_at = clock.now()
    change.save("updated_at")
    change.retime()


def tag_names(tags: Iterable[str]) -> set[str]:
    """Tags as stored: trimmed, lower case, at most 50 characters, none empty."""
    return {clean_text(t).lower()[:50] for t in tags} - {""}


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
    with ticket_changing(ticket) as change:
        if not isinstance(team, Unset):
            team_apply(change, team_id=team.pk if team is not None else None, actor=actor)
        if not isinstance(category, Unset):
            category_apply(change, category=category, actor=actor)
        if not isinstance(tags, Unset):
            have = set(ticket.tags.values_list("name", flat=True))
            wanted = tag_names(tags)
            tags_apply(change, have=have, add=wanted, remove=have - wanted, actor=actor)
    return ticket


def ticket_add_note(
    *, ticket: Ticket, author: Agent, text: str, attachments: Sequence[Upload] = ()
) -> Message:
    """An internal note, for agents only; its files are kept on it and never emailed."""
    text = clean_text(text)
    if not text:
        raise InvalidRequest("a note needs some text")
    files = uploads_check(attachments)
    with ticket_changing(ticket) as change:
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
        ticket.updated_at = clock.now()
        change.save("updated_at")
        change.record(note_added_event(ticket=ticket, message_id=note.pk, actor_id=author.pk))
    return note


def ticket_merge(*, source: Ticket, target: Ticket, actor: Agent | None, reason: str) -> Ticket:
    """Move everything of `source` into `target`; `source` is closed and points at `target`."""
    if source.pk == target.pk:
        raise InvalidRequest("a ticket cannot be merged into itself")
    with transaction.atomic():
        # Both rows, always in the same order, so two merges of one pair never deadlock.
        for ticket in sorted((source, target), key=lambda t: t.pk):
            ticket_lock(ticket)
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
        now = clock.now()
        actor_id = _actor_id(actor)
        closing, growing = TicketChange(source), TicketChange(target)
        source.merged_into = target
        source.status = Status.CLOSED
        source.updated_at = now
        closing.save("merged_into", "status", "updated_at")
        closing.record(
            merged_into_event(ticket=source, into_id=target.pk, why=reason, actor_id=actor_id)
        )
        closing.retime()
        target.updated_at = now
        growing.save("updated_at")
        growing.record(
            merged_event(ticket=target, source_id=source.pk, why=reason, actor_id=actor_id)
        )
        for event in acknowledgements_settle(source=source, target=target):
            growing.record(event)
        changes_finish([closing, growing])
    return target
