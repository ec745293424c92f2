"""Write the decisions of a batch: one INSERT per table for the whole batch, in the order the
foreign keys need (customers, tickets, messages, then what hangs off them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings

from caredesk.core import clock
from caredesk.core.bulk import rows_update
from caredesk.customers.models import Customer, CustomerAddress
from caredesk.history.events import Event, acknowledgement_skipped_event, created_event
from caredesk.inbound.messages import attachments_build, inbound_message_build, references_build
from caredesk.inbound.plan import Decision, Planner
from caredesk.inbound.types import Kind
from caredesk.outbound.models import OutboundEmail
from caredesk.outbound.services import outbound_announce
from caredesk.sla.services import Happened, SlaPlan
from caredesk.system_emails.kinds import ACKNOWLEDGEMENT
from caredesk.system_emails.selectors import system_email_overrides
from caredesk.tickets.acknowledgements import acknowledgement_email
from caredesk.tickets.changes import events_save
from caredesk.tickets.hooks import ticket_changed_announce
from caredesk.tickets.models import (
    Attachment,
    Message,
    MessageKind,
    MessageReference,
    Participant,
    Ticket,
)
from caredesk.tickets.outgoing import outgoing_build
from caredesk.tickets.services import participants_build
from caredesk.tickets.sla_sync import tickets_sla_plan

TICKET_TOUCH_FIELDS = ["status", "solved_at", "updated_at", "last_customer_message_at"]


def decisions_record(decisions: Sequence[Decision], planner: Planner) -> None:
    """Write everything `decisions` need, then point each intake row at its ticket and message.
    Runs inside the batch's transaction; emails to send are announced once it commits."""
    created = [d for d in decisions if d.created and d.ticket is not None]
    planner.assess(decisions)
    _customers_create(created, planner)
    Ticket.objects.bulk_create([d.ticket for d in created if d.ticket is not None])
    sla = _sla_plan(created, planner)

    # The admins' wordings of the acknowledgement: one query for the batch, none per email.
    wordings = (
        system_email_overrides(kind=ACKNOWLEDGEMENT)
        if any(d.acknowledge for d in decisions)
        else {}
    )
    messages: list[Message] = []
    outbound: list[OutboundEmail] = []
    inbound: list[tuple[Decision, Message]] = []
    for decision in decisions:
        if not decision.records_message:
            continue
        item, ticket = decision.item, decision.ticket
        assert ticket is not None and item.sender is not None
        message = inbound_message_build(
            ticket=ticket,
            parsed=item.parsed,
            split=item.split,
            kind=MessageKind.AUTO_REPLY if item.is_auto else MessageKind.CUSTOMER,
            message_id=item.key,
            from_address=item.sender.address,
            from_name=item.sender.name,
            content_digest=item.digest,
            notes=decision.notes,
        )
        if decision.upset is not None:  # a person's message: what caredesk read in it
            message.language = item.language.language
            message.language_confidence = item.language.confidence
            message.upset_level = int(decision.upset.level)
            message.upset_reasons = decision.upset.reasons
        messages.append(message)
        inbound.append((decision, message))
        if decision.acknowledge:
            wording = acknowledgement_email(
                ticket=ticket,
                trigger=message,
                promise=sla.promises.get(ticket.pk),
                overrides=wordings,
            )
            ack, email = outgoing_build(ticket=ticket, email=wording)
            if decision.ack_hold:
                email.next_attempt_at = clock.now() + timedelta(
                    seconds=settings.CAREDESK_ACK_HOLD_SECONDS
                )
            messages.append(ack)
            outbound.append(email)
    Message.objects.bulk_create(messages)

    refs: list[MessageReference] = []
    attachments: list[Attachment] = []
    participants: list[Participant] = []
    events: list[Event] = []
    for decision, message in inbound:
        item, ticket = decision.item, decision.ticket
        assert ticket is not None and item.sender is not None
        decision.message_pk = message.pk
        refs += references_build(message=message, refs=list(item.parsed.thread_ids))
        attachments += attachments_build(message=message, parsed=item.parsed)
        known: set[str] = set()
        if decision.created:
            participants += participants_build(
                ticket=ticket,
                people=[(item.sender.address, item.sender.name)],
                known=known,
                role=Participant.Role.REQUESTER,
            )
            events.append(
                created_event(
                    ticket=ticket,
                    customer_id=ticket.customer_id,
                    follow_up_of=decision.follow_up_of.pk if decision.follow_up_of else None,
                )
            )
        participants += participants_build(ticket=ticket, people=decision.participants, known=known)
        events += decision.events
        if decision.ack_skipped:
            events.append(
                acknowledgement_skipped_event(ticket=ticket, why="unattended address or rate limit")
            )
    MessageReference.objects.bulk_create(refs)
    Attachment.objects.bulk_create(attachments)
    Participant.objects.bulk_create(participants, ignore_conflicts=True)
    OutboundEmail.objects.bulk_create(outbound)
    saved = events_save(events)
    saved += events_save(sla.write())
    rows_update(list(planner.touched.values()), TICKET_TOUCH_FIELDS)
    rows_update(list(planner.renamed.values()), ["name"])
    rows_update(list(planner.relanguaged.values()), ["language", "language_source"])
    outbound_announce(outbound)
    ticket_changed_announce(saved)


def _sla_plan(created: Sequence[Decision], planner: Planner) -> SlaPlan:
    """Start the timers of tickets a person opened and move those of tickets customers wrote
    on; returns when a person is due to reply, which acknowledgements promise."""
    happened: dict[int, Happened] = {}
    tickets: list[Ticket] = []
    for decision in created:
        if decision.ticket is not None and decision.item.verdict.kind == Kind.HUMAN:
            happened[decision.ticket.pk] = Happened(created=True)
            tickets.append(decision.ticket)
    for pk, ticket in planner.touched.items():
        happened[pk] = Happened(customer_wrote=True)
        tickets.append(ticket)
    return tickets_sla_plan(tickets=tickets, happened=happened)


def _customers_create(created: Sequence[Decision], planner: Planner) -> None:
    new: dict[int, tuple[Customer, str]] = {}
    for decision in created:
        customer = decision.customer
        if customer is not None and customer.pk is None and decision.item.sender is not None:
            new.setdefault(id(customer), (customer, decision.item.sender.address))
    Customer.objects.bulk_create([customer for customer, _ in new.values()])
    CustomerAddress.objects.bulk_create(
        [CustomerAddress(customer=customer, address=address) for customer, address in new.values()]
    )
