"""Background jobs for outgoing mail: thin wrappers over outbound.services."""

from __future__ import annotations

from huey import crontab

from caredesk.core.jobs import db_periodic_task, db_task
from caredesk.outbound import services


@db_task(priority=5)
def deliver_outbound(outbound_id: int) -> int:
    """Announced per email (or per batch): sends whatever is due, this email among it."""
    return len(services.outbound_deliver_due())


@db_periodic_task(crontab(minute="*"))
def deliver_due_outbound() -> int:
    """Safety net for retries whose scheduled job was lost."""
    sent = 0
    while done := services.outbound_deliver_due():
        sent += len(done)
    return sent
