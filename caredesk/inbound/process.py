"""From stored intake rows to tickets: parse, classify, thread, record, acknowledge.

Emails are processed in batches, each batch in one transaction: a worker that dies half-way
leaves nothing behind and the rows are simply processed again. Within a batch, emails are
decided on one after another in memory (`inbound.plan`) and written with one statement per
table (`inbound.record`), which is what makes a worker fast (decision 0004). Safe to run for the
same row twice, or from several workers at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction

from caredesk.conversation.keys import lock_conversation
from caredesk.core import clock
from caredesk.core.bulk import rows_update
from caredesk.inbound.models import InboundMessage, IntakeStatus
from caredesk.inbound.plan import Decision, Planner
from caredesk.inbound.prepare import Incoming, incoming_prepare
from caredesk.inbound.record import decisions_record
from caredesk.outbound.services import outbound_wake_held
from caredesk.tickets.acknowledgements import acknowledged_first
from caredesk.tickets.services import ticket_merge

log = logging.getLogger(__name__)

BATCH_SIZE = 25

# On SQLite the database lets one writer in at a time anyway; taking turns inside the process
# keeps a second thread from parsing the same emails for nothing.
_sqlite_turn = threading.Lock()


def inbound_process(*, intake_id: int) -> str:
    """Process one intake row; returns its status afterwards ("skipped" if not ours to do)."""
    return inbound_process_batch(intake_ids=[intake_id]).get(intake_id, "skipped")


def inbound_process_waiting(*, limit: int = BATCH_SIZE) -> dict[int, str]:
    """Process up to `limit` of the oldest waiting emails no other worker has claimed."""
    return inbound_process_batch(intake_ids=None, limit=limit)


def inbound_process_batch(
    *, intake_ids: Sequence[int] | None, limit: int = BATCH_SIZE
) -> dict[int, str]:
    """Process several intake rows in one transaction; returns {intake id: status afterwards}.

    An email that cannot be processed is quarantined with the reason; the others go on. A
    database failure leaves the whole batch "received", to be done again.
    """
    try:
        if connection.vendor == "sqlite":
            return _batch_sqlite(intake_ids, limit)
        with transaction.atomic():
            return _handle(_prepare(_claim(intake_ids, limit)))
    except (OperationalError, InterfaceError):
        log.warning("intake %s: database unavailable, will retry", intake_ids, exc_info=True)
        raise


def _batch_sqlite(intake_ids: Sequence[int] | None, limit: int) -> dict[int, str]:
    """Parse before the write transaction opens: the single writer lock is then held only for
    the lookups and the writes, and the SMTP server can store mail meanwhile."""
    with _sqlite_turn:
        prepared = _prepare(_waiting(intake_ids, limit))
        if not prepared:
            return {}
        with transaction.atomic():
            still = set(
                InboundMessage.objects.filter(
                    pk__in=[row.pk for row, _ in prepared], status=IntakeStatus.RECEIVED
                ).values_list("pk", flat=True)
            )
            return _handle([(row, item) for row, item in prepared if row.pk in still])


def _waiting(intake_ids: Sequence[int] | None, limit: int) -> list[InboundMessage]:
    rows = (
        InboundMessage.objects.select_related("mailbox")
        .filter(status=IntakeStatus.RECEIVED)
        .order_by("received_at", "pk")
    )
    return list(rows.filter(pk__in=intake_ids) if intake_ids is not None else rows[:limit])


def _claim(intake_ids: Sequence[int] | None, limit: int) -> list[InboundMessage]:
    """The rows to process, locked so that no other worker takes them meanwhile."""
    rows = (
        InboundMessage.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("mailbox")
        .filter(status=IntakeStatus.RECEIVED)
        .order_by("received_at", "pk")
    )
    return list(rows.filter(pk__in=intake_ids) if intake_ids is not None else rows[:limit])


Prepared = list[tuple[InboundMessage, Incoming | Exception]]


def _prepare(rows: Sequence[InboundMessage]) -> Prepared:
    prepared: Prepared = []
    for row in rows:
        try:
            prepared.append((row, incoming_prepare(row)))
        except Exception as exc:  # parsing never raises by design; this is a bug's safety net
            log.exception("intake %s: could not be read, quarantined", row.pk)
            prepared.append((row, exc))
    return prepared


def _handle(prepared: Prepared) -> dict[int, str]:
    items = [item for _, item in prepared if isinstance(item, Incoming)]
    # Every conversation lock of the batch at once, in sorted order: no deadlocks.
    lock_conversation([key for item in items for key in item.lock_keys()])
    try:
        with transaction.atomic():
            decisions = _decide_and_record(items)
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        # Something in the batch is wrong: do the emails one by one to find which.
        log.warning("intake batch failed; processing its emails one by one", exc_info=True)
        decisions = [_one(item) for item in items]
    outcome = {id(d.item): d for d in decisions}
    rows = []
    for row, item in prepared:
        if isinstance(item, Incoming):
            _finish(outcome[id(item)])
        else:
            _set_status(row, IntakeStatus.QUARANTINED, f"{type(item).__name__}: {item}")
        rows.append(row)
    rows_update(rows, FINISHED_FIELDS)
    # Acknowledgements held while emails like these waited may go once this batch commits.
    transaction.on_commit(outbound_wake_held)
    return {row.pk: row.status for row in rows}


def _one(item: Incoming) -> Decision:
    try:
        with transaction.atomic():
            return _decide_and_record([item])[0]
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:
        log.exception("intake %s: processing failed, quarantined", item.row.pk)
        return Decision(item, IntakeStatus.QUARANTINED, f"{type(exc).__name__}: {exc}")


def _decide_and_record(items: Sequence[Incoming]) -> list[Decision]:
    """Decide on the emails in order and write the decisions. An email that joins parts of a
    conversation that had been split (its references lead to several tickets) first has
    everything before it written and the parts merged; deciding then goes on from it."""
    decisions: list[Decision] = []
    pending = list(items)
    merged_for: set[int] = set()
    while pending:
        planner = Planner(pending)
        segment: list[Decision] = []
        joining: Decision | None = None
        for item in pending:
            decision = planner.decide(item)
            if decision.strays:
                joining = decision
                break
            segment.append(decision)
        decisions_record(segment, planner)
        decisions += segment
        pending = pending[len(segment) :]
        if joining is None:
            break
        if id(joining.item) in merged_for:
            raise RuntimeError("the conversation is still split after merging its tickets")
        merged_for.add(id(joining.item))
        assert joining.ticket is not None
        target, *others = acknowledged_first([joining.ticket, *joining.strays])
        for stray in others:
            ticket_merge(source=stray, target=target, actor=None, reason="same email conversation")
    return decisions


FINISHED_FIELDS = [
    "status",
    "status_reason",
    "processed_at",
    "attempts",
    "message_id",
    "ticket",
    "ticket_message",
]


def _finish(decision: Decision) -> None:
    row, item = decision.item.row, decision.item
    reason = decision.reason
    row.message_id = item.parsed.message_id[:500]
    row.ticket = None
    row.ticket_message_id = None
    if decision.status != IntakeStatus.QUARANTINED:
        row.ticket = decision.ticket
        row.ticket_message_id = decision.message_pk
    if decision.duplicate_of is not None:
        original = decision.duplicate_of_decision
        row.ticket_message_id = (
            original.message_pk if original is not None else decision.duplicate_of.message_pk
        )
        row.message_id = item.key
        reason = f"duplicate of a message on ticket {row.ticket.reference if row.ticket else ''}"
    _set_status(row, decision.status, reason)


def _set_status(row: InboundMessage, status: str, reason: str = "") -> None:
    row.status = status
    row.status_reason = reason.replace("\x00", "")[:500]  # reasons can quote what the email held
    row.processed_at = clock.now()
    row.attempts += 1


def intake_stuck_ids(*, limit: int = 500) -> list[int]:
    """Rows still "received" well after they arrived: their processing was lost or crashed."""
    cutoff = clock.now() - timedelta(seconds=settings.CAREDESK_STUCK_INTAKE_SECONDS)
    return list(
        InboundMessage.objects.filter(status=IntakeStatus.RECEIVED, received_at__lte=cutoff)
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
