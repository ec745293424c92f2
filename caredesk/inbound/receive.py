"""Store first, think later: the one entry point every source hands raw email to."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from caredesk.core import clock
from caredesk.inbound.models import InboundMessage

log = logging.getLogger(__name__)


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
    with transaction.atomic():
        row = InboundMessage.objects.create(
            mailbox_id=mailbox_id,
            source=source,
            envelope_from=envelope_from[:254],
            envelope_to=list(envelope_to),
            received_at=received_at or clock.now(),
            raw=raw,
            sha256=hashlib.sha256(raw).hexdigest(),
            size=len(raw),
        )
        if process:
            from caredesk.inbound.tasks import process_inbound

            transaction.on_commit(lambda: process_inbound(row.pk))
    return row
