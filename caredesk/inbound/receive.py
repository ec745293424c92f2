"""Store first, think later: the one entry point every source hands raw email to."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from caredesk.core import clock
from caredesk.inbound.models import InboundMessage, IntakeStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Arrival:
    """One email as a source received it, for one mailbox."""

    raw: bytes
    mailbox_id: int
    source: str
    envelope_from: str = ""
    envelope_to: Sequence[str] = field(default_factory=tuple)
    received_at: datetime | None = None
    # RECEIVED for the pipeline; POSTMASTER (with a reason) for mail kept for admins alone.
    status: str = IntakeStatus.RECEIVED
    status_reason: str = ""

    def row(self) -> InboundMessage:
        return InboundMessage(
            status=self.status,
            status_reason=self.status_reason[:500],
            mailbox_id=self.mailbox_id,
            source=self.source,
            envelope_from=self.envelope_from[:254],
            envelope_to=list(self.envelope_to),
            received_at=self.received_at or clock.now(),
            raw=self.raw,
            sha256=hashlib.sha256(self.raw).hexdigest(),
            size=len(self.raw),
        )


def inbound_receive(
    *,
    raw: bytes,
    mailbox_id: int,
    source: str,
    envelope_from: str = "",
    envelope_to: Sequence[str] = (),
    received_at: datetime | None = None,
    process: bool = True,
) -> InboundMessage:
    """Commit the raw email and its intake row, then queue it for processing.

    Returns only once the row is committed, so the caller may tell the sender "accepted".
    Any exception means nothing was stored and the sender must be asked to retry.
    """
    arrival = Arrival(raw, mailbox_id, source, envelope_from, tuple(envelope_to), received_at)
    with transaction.atomic():
        row = arrival.row()
        row.save()
        if process:
            from caredesk.inbound.tasks import process_waiting_inbound

            transaction.on_commit(process_waiting_inbound)
    return row


def inbound_receive_many(arrivals: Sequence[Arrival]) -> list[InboundMessage]:
    """Commit several emails with one INSERT in one transaction: all of them, or none (an
    exception). Used by sources that hold many senders waiting at once (group commit); they
    announce the new mail to the workers themselves."""
    rows = [arrival.row() for arrival in arrivals]
    with transaction.atomic():
        InboundMessage.objects.bulk_create(rows)
    return rows
