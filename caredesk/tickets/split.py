"""Splitting a customer's message off into a ticket of its own, when one email thread turns out
to hold two problems.

The message moves with its attachments and the Message-IDs it points back at, so email threading
(which finds tickets through the Message-IDs stored on messages) sends later replies to that
message to the new ticket; `conversation.index` keeps tickets split apart from being merged back
when a reply's References name both. Each ticket records the split (`split_into` on the old one,
`split_from` on the new one) with who did it.
"""

from __future__ import annotations

import re

from django.db import transaction

from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.core.text import normalise_subject
from caredesk.sla.services import Happened, sla_tickets_update
from caredesk.tickets.models import (
    Message,
    MessageKind,
    Participant,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)
from caredesk.tickets.selectors import priority_rules_current
from caredesk.tickets.services import ensure_not_merged, participants_build, ticket_event_build

SPLIT_INTO = "split_into"  # on the ticket a message left: data {into, message, subject}
SPLIT_FROM = "split_from"  # on the ticket it started: data {source, message}

_TAG = re.compile(r"\s*\[#\d{1,12}\]\s*")


def split_subject(subject: str) -> str:
    """The message's subject as a ticket's: no reply prefixes, no other ticket's `[#123]`."""
    return normalise_subject(_TAG.sub(" ", subject or ""))[:500] or "(no subject)"


@transaction.atomic
def ticket_split(*, message: Message, actor: Agent | None) -> Ticket:
    """Move the customer's `message` (and its attachments) into a new ticket for the same
    customer and mailbox; returns the new ticket.

    The new ticket starts like one a customer's email opens: status new, priority detected from
    the message, SLA timers started now. It keeps the old ticket's team and assignee, so the
    people who saw the message still see it. On the old ticket, a reply timer that ran for the
    message is cancelled when nothing else there waits for a reply."""
    source = (
        # of=self: PostgreSQL cannot lock the nullable side (organisation) of an outer join.
        Ticket.objects.select_for_update(of=("self",))
        .select_related("customer__organisation")
        .get(pk=message.ticket_id)
    )
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
    subject = split_subject(message.subject)
    found = priority_rules_current().detect(
        subject=subject,
        text=message.new_text or message.text,
        vip=source.customer.is_vip,
    )
    ticket = Ticket.objects.create(
        mailbox_id=source.mailbox_id,
        customer=source.customer,
        subject=subject,
        status=Status.NEW,
        priority=found.priority if found.reasons else Priority.NORMAL,
        team_id=source.team_id,
        assignee_id=source.assignee_id,
        created_at=now,
        updated_at=now,
        last_customer_message_at=message.created_at,
    )
    Message.objects.filter(pk=message.pk).update(ticket=ticket)

    requester = message.from_address.strip().lower()
    known: set[str] = set()
    people = participants_build(
        ticket=ticket,
        people=[(requester, message.from_name)],
        known=known,
        role=Participant.Role.REQUESTER,
    )
    # Those the message was also addressed to, if they take part in the old ticket (which
    # leaves out our own addresses).
    on_source = dict(source.participants.values_list("address", "name"))
    addressed = {a.strip().lower() for a in (*message.to, *message.cc) if isinstance(a, str)}
    people += participants_build(
        ticket=ticket,
        people=[(a, on_source[a]) for a in sorted(addressed) if a in on_source],
        known=known,
    )
    Participant.objects.bulk_create(people, ignore_conflicts=True)

    events = [
        ticket_event_build(
            ticket=ticket, kind="created", actor=actor, requester=requester, split_from=source.pk
        ),
        ticket_event_build(
            ticket=ticket, kind=SPLIT_FROM, actor=actor, source=source.pk, message=message.pk
        ),
        ticket_event_build(
            ticket=source,
            kind=SPLIT_INTO,
            actor=actor,
            into=ticket.pk,
            message=message.pk,
            subject=subject,
        ),
    ]
    if found.reasons:
        events.append(
            ticket_event_build(
                ticket=ticket,
                kind="priority_set",
                priority=found.priority,
                why=found.reason,
                by="detection",
            )
        )
    TicketEvent.objects.bulk_create(events)

    latest = remaining.order_by("-created_at").values_list("created_at", flat=True).first()
    source.last_customer_message_at = latest
    source.updated_at = now
    source.save(update_fields=["last_customer_message_at", "updated_at"])
    sla_tickets_update(tickets=[ticket], happened={ticket.pk: Happened(created=True)}, now=now)
    sla_tickets_update(
        tickets=[source],
        happened={source.pk: Happened(reply_withdrawn=not _reply_owed(source))},
        now=now,
    )
    return ticket


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
