"""Splitting a customer's message off into a ticket of its own, when one email thread turns out
to hold two problems.

The message moves with its attachments and the Message-IDs it points back at, so email threading
(which finds tickets through the Message-IDs stored on messages) sends later replies to that
message to the new ticket; `conversation.index` keeps tickets split apart from being merged back
when a reply's References name both. Each ticket records the split (`split_into` on the old one,
`split_from` on the new one) with who did it.
"""

from __future__ import annotations

from django.db import transaction

from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.core.text import normalise_subject, subject_untagged
from caredesk.history.events import created_event, split_from_event, split_into_event
from caredesk.tickets.changes import TicketChange, changes_finish, ensure_not_merged, ticket_lock
from caredesk.tickets.models import Message, MessageKind, Participant, Ticket
from caredesk.tickets.opening import ticket_open_build
from caredesk.tickets.selectors import priority_rules_current
from caredesk.tickets.services import participants_build


def split_subject(subject: str) -> str:
    """The message's subject as a ticket's: no reply prefixes, no other ticket's `[#123]`."""
    return normalise_subject(subject_untagged(subject))[:500] or "(no subject)"


def ticket_split(*, message: Message, actor: Agent | None) -> Ticket:
    """Move the customer's `message` (and its attachments) into a new ticket for the same
    customer and mailbox; returns the new ticket.

    The new ticket starts like one a customer's email opens: status new, priority detected from
    the message, SLA timers started now. It keeps the old ticket's team and assignee, so the
    people who saw the message still see it. On the old ticket, a reply timer that ran for the
    message is cancelled when nothing else there waits for a reply."""
    with transaction.atomic():
        source = Ticket.objects.select_related("customer", "mailbox").get(pk=message.ticket_id)
        ticket_lock(source)
        ensure_not_merged(source)
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.ticket_id != source.pk:
            raise InvalidRequest(f"that message moved to #{message.ticket_id} meanwhile")
        if message.kind != MessageKind.CUSTOMER:
            raise InvalidRequest("only a customer's message can be split into a new ticket")
        remaining = source.messages.filter(kind=MessageKind.CUSTOMER).exclude(pk=message.pk)
        if not remaining.exists():
            raise InvalidRequest(
                f"this is the only message from the customer on #{source.pk}: "
                "there is nothing to split it from"
            )
        now = clock.now()
        opening = ticket_open_build(
            mailbox=source.mailbox,
            customer=source.customer,
            subject=split_subject(message.subject),
            at=now,
            last_customer_message_at=message.created_at,
            detect_from=message.new_text or message.text,
            vip=source.customer.is_vip,
            rules=priority_rules_current(),
        )
        ticket = opening.ticket
        ticket.team_id, ticket.assignee_id = source.team_id, source.assignee_id
        ticket.save()
        Message.objects.filter(pk=message.pk).update(ticket=ticket)
        _participants_copy(source=source, ticket=ticket, message=message)

        actor_id = actor.pk if actor is not None else None
        opened = TicketChange(ticket)
        opened.record(
            created_event(
                ticket=ticket,
                customer_id=source.customer_id,
                actor_id=actor_id,
                split_from=source.pk,
            )
        )
        opened.record(
            split_from_event(
                ticket=ticket, source_id=source.pk, message_id=message.pk, actor_id=actor_id
            )
        )
        opened.events += opening.events
        opened.retime(created=True)
        left = TicketChange(source)
        left.record(
            split_into_event(
                ticket=source,
                into_id=ticket.pk,
                message_id=message.pk,
                subject=ticket.subject,
                actor_id=actor_id,
            )
        )
        latest = remaining.order_by("-created_at").values_list("created_at", flat=True).first()
        source.last_customer_message_at = latest
        source.updated_at = now
        left.save("last_customer_message_at", "updated_at")
        left.retime(reply_withdrawn=not _reply_owed(source))
        changes_finish([opened, left], now=now)
    return ticket


def _participants_copy(*, source: Ticket, ticket: Ticket, message: Message) -> None:
    """The message's sender is the new ticket's requester; those it was also addressed to
    join it if they take part in the old ticket (which leaves out our own addresses)."""
    known: set[str] = set()
    people = participants_build(
        ticket=ticket,
        people=[(message.from_address.strip().lower(), message.from_name)],
        known=known,
        role=Participant.Role.REQUESTER,
    )
    on_source = dict(source.participants.values_list("address", "name"))
    addressed = {a.strip().lower() for a in (*message.to, *message.cc) if isinstance(a, str)}
    people += participants_build(
        ticket=ticket,
        people=[(a, on_source[a]) for a in sorted(addressed) if a in on_source],
        known=known,
    )
    Participant.objects.bulk_create(people, ignore_conflicts=True)


def _reply_owed(ticket: Ticket) -> bool:
    """Whether a customer message on `ticket` still waits for an agent's reply."""
    last_reply = (
        ticket.messages.filter(kind=MessageKind.REPLY)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    waiting = ticket.messages.filter(kind=MessageKind.CUSTOMER)
    if last_reply is not None:
        waiting = waiting.filter(created_at__gt=last_reply)
    return waiting.exists()
