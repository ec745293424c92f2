"""From a stored intake row to a ticket: parse, classify, thread, record, acknowledge.

Runs in a transaction (a batch of emails, each in its own savepoint), so a worker that dies
half-way leaves nothing behind and the rows are simply processed again. Safe to call twice for
the same row, or from two workers at once.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

from caredesk.conversation.match import (
    lock_conversation,
    lock_keys,
    recipient_addresses,
    tags_for_mailbox,
    thread_match,
)
from caredesk.core import clock
from caredesk.customers.services import customer_find_or_create
from caredesk.inbound.classify import classify
from caredesk.inbound.models import InboundMessage, IntakeStatus, Source
from caredesk.inbound.parsing import parse_email
from caredesk.inbound.quoting import split_reply
from caredesk.inbound.types import Address, Kind, ParsedEmail
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.bounces import bounce_record
from caredesk.outbound.services import deliveries_batched
from caredesk.tickets.acknowledgements import acknowledgement_queue
from caredesk.tickets.messages import message_record_inbound
from caredesk.tickets.models import Message, MessageKind, Status, Ticket
from caredesk.tickets.services import (
    ticket_create,
    ticket_merge,
    ticket_participants_add,
    ticket_touch_for_customer_message,
)

log = logging.getLogger(__name__)


def message_key(parsed: ParsedEmail) -> str:
    """The Message-ID, or for the rare email without one a stand-in derived from its content,
    so that two deliveries of it are still recognised as one."""
    if parsed.message_id:
        return parsed.message_id[:500]
    sender = parsed.from_.address if parsed.from_ else ""
    basis = "\x00".join([sender, parsed.header("Date"), parsed.subject, parsed.text])
    return f"no-id.{hashlib.sha256(basis.encode('utf-8', 'replace')).hexdigest()[:40]}@caredesk"


BATCH_SIZE = 25


def inbound_process(*, intake_id: int) -> str:
    """Process one intake row; returns its status afterwards ("skipped" if not ours to do)."""
    return inbound_process_batch(intake_ids=[intake_id]).get(intake_id, "skipped")


def inbound_process_waiting(*, limit: int = BATCH_SIZE) -> dict[int, str]:
    """Process up to `limit` of the oldest waiting emails no other worker has claimed."""
    return inbound_process_batch(intake_ids=None, limit=limit)


def inbound_process_batch(
    *, intake_ids: Sequence[int] | None, limit: int = BATCH_SIZE
) -> dict[int, str]:
    """Process several intake rows in one transaction, each email in a savepoint of its own.

    One commit for the batch instead of one per email is most of what makes a worker fast. A
    failing email is rolled back to its savepoint and quarantined with the reason; the others
    go on. A worker that dies mid-batch leaves the whole batch "received", to be done again.
    Returns {intake id: status afterwards}.
    """
    try:
        with transaction.atomic():
            rows = _claim(intake_ids, limit)
            if not rows:
                return {}
            parsed = {row.pk: parse_email(bytes(row.raw)) for row in rows}
            # Every conversation lock of the batch at once, in sorted order: no deadlocks.
            lock_conversation([key for row in rows for key in _lock_keys(row, parsed[row.pk])])
            with deliveries_batched():
                done = {row.pk: _process_one(row, parsed[row.pk]) for row in rows}
            InboundMessage.objects.bulk_update(rows, FINISHED_FIELDS)
            return done
    except (OperationalError, InterfaceError):
        # The database hiccuped: nothing was written; the rows stay "received" and are retried.
        log.warning("intake %s: database unavailable, will retry", intake_ids, exc_info=True)
        raise


def _claim(intake_ids: Sequence[int] | None, limit: int) -> list[InboundMessage]:
    rows = (
        InboundMessage.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("mailbox")
        .filter(status=IntakeStatus.RECEIVED)
    )
    if intake_ids is not None:
        return list(rows.filter(pk__in=intake_ids).order_by("received_at", "pk"))
    return list(rows.order_by("received_at", "pk")[:limit])


def _lock_keys(row: InboundMessage, parsed: ParsedEmail) -> list[str]:
    tags = tags_for_mailbox(row.mailbox, recipient_addresses(parsed, row.envelope_to))
    return lock_keys(parsed, tags)


def _process_one(row: InboundMessage, parsed: ParsedEmail) -> str:
    try:
        with transaction.atomic():
            _process(row, parsed)
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:
        log.exception("intake %s: processing failed, quarantined", row.pk)
        row.ticket, row.ticket_message = None, None
        _finish(row, IntakeStatus.QUARANTINED, f"{type(exc).__name__}: {exc}")
    return row.status


FINISHED_FIELDS = [
    "status",
    "status_reason",
    "processed_at",
    "attempts",
    "message_id",
    "ticket",
    "ticket_message",
]


def _finish(row: InboundMessage, status: str, reason: str = "") -> None:
    """Set the row's outcome; the batch writes all its rows' outcomes in one statement."""
    row.status = status
    row.status_reason = reason[:500]
    row.processed_at = clock.now()
    row.attempts += 1


def _sender(parsed: ParsedEmail, row: InboundMessage) -> Address | None:
    if parsed.from_ and "@" in parsed.from_.address:
        return parsed.from_
    if "@" in row.envelope_from:
        return Address(address=row.envelope_from.strip().lower())
    return None


def _process(row: InboundMessage, parsed: ParsedEmail) -> None:
    mailbox: Mailbox = row.mailbox
    row.message_id = parsed.message_id[:500]
    verdict = classify(parsed)
    tags = tags_for_mailbox(mailbox, recipient_addresses(parsed, row.envelope_to))

    if verdict.kind == Kind.BOUNCE:
        outcome = bounce_record(parsed=parsed, tags=tags)
        if outcome.outbound is None:
            _finish(row, IntakeStatus.IGNORED, outcome.reason)
        else:
            row.ticket_id = outcome.outbound.ticket_id
            _finish(row, IntakeStatus.PROCESSED, outcome.reason)
        return

    sender = _sender(parsed, row)
    if sender is None:
        _finish(row, IntakeStatus.QUARANTINED, "no sender address in From or the envelope")
        return
    if _is_ours(sender.address, mailbox):
        _finish(row, IntakeStatus.IGNORED, "sent by this mailbox itself (mail loop)")
        return

    key = message_key(parsed)
    duplicate = (
        Message.objects.filter(mailbox=mailbox, message_id=key)
        .values_list("pk", "ticket_id")
        .first()
    )
    if duplicate is not None:
        row.ticket_message_id, row.ticket_id = duplicate
        row.message_id = key
        _finish(row, IntakeStatus.IGNORED, f"duplicate of a message on ticket #{row.ticket_id}")
        return

    match = thread_match(mailbox=mailbox, parsed=parsed, sender=sender.address, tags=tags)
    ticket = match.ticket
    is_auto = verdict.kind == Kind.AUTO_REPLY
    created = False
    first_contact = False
    if ticket is not None and ticket.status == Status.CLOSED and not is_auto:
        # A customer writing on a closed ticket starts a follow-up, as agents expect.
        ticket, first_contact = _new_ticket(mailbox, parsed, sender, follow_up_of=ticket)
        created = True
    elif ticket is None:
        if is_auto:
            _finish(
                row, IntakeStatus.IGNORED, f"automatic reply to no known ticket ({verdict.reason})"
            )
            return
        ticket, first_contact = _new_ticket(mailbox, parsed, sender, follow_up_of=None)
        created = True
    for stray in match.strays:
        ticket_merge(source=stray, target=ticket, actor=None, reason="same email conversation")

    message = message_record_inbound(
        ticket=ticket,
        parsed=parsed,
        split=split_reply(parsed.text),
        kind=MessageKind.AUTO_REPLY if is_auto else MessageKind.CUSTOMER,
        message_id=key,
        from_address=sender.address,
        from_name=sender.name,
    )
    if not is_auto:
        others = [
            (a.address, a.name)
            for a in (parsed.from_, *parsed.to, *parsed.cc)
            if a is not None and a.address and not _is_ours(a.address, mailbox)
        ]
        # A ticket made a moment ago has its requester only: no need to read its participants.
        known = {sender.address} if created else None
        ticket_participants_add(ticket=ticket, people=others, known=known)
    if not created:
        ticket_touch_for_customer_message(ticket=ticket, kind=message.kind)
    # Imported history is old mail: acknowledging it now would surprise every past customer.
    if created and verdict.kind == Kind.HUMAN and row.source != Source.IMPORT:
        acknowledgement_queue(ticket=ticket, trigger=message, first_contact=first_contact)
    row.ticket, row.ticket_message = ticket, message
    _finish(
        row, IntakeStatus.PROCESSED, f"{'new ticket' if created else 'joined via ' + match.via}"
    )


def _is_ours(address: str, mailbox: Mailbox) -> bool:
    local, _, domain = address.rpartition("@")
    return f"{local.partition('+')[0]}@{domain}" == mailbox.address


def _new_ticket(
    mailbox: Mailbox, parsed: ParsedEmail, sender: Address, *, follow_up_of: Ticket | None
) -> tuple[Ticket, bool]:
    """The new ticket, and whether its sender's address was new to us."""
    customer, first_contact = customer_find_or_create(address=sender.address, name=sender.name)
    ticket = ticket_create(
        mailbox=mailbox,
        customer=customer,
        requester_address=sender.address,
        requester_name=sender.name,
        subject=parsed.subject,
        follow_up_of=follow_up_of,
    )
    return ticket, first_contact


def intake_stuck_ids(*, limit: int = 500) -> list[int]:
    """Rows still "received" well after they arrived: their processing was lost or crashed."""
    cutoff = clock.now() - timedelta(seconds=settings.CAREDESK_STUCK_INTAKE_SECONDS)
    return list(
        InboundMessage.objects.filter(status=IntakeStatus.RECEIVED, received_at__lte=cutoff)
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
