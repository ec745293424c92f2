"""Background jobs for outgoing mail: thin wrappers over outbound.services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from caredesk.outbound import services


@db_task(priority=5)
def deliver_outbound(outbound_id: int) -> str:
    return services.outbound_deliver(outbound_id=outbound_id)


@db_periodic_task(crontab(minute="*"))
def deliver_due_outbound() -> int:
    ids = services.outbound_due_ids()
    for outbound_id in ids:
        services.outbound_deliver(outbound_id=outbound_id)
    return len(ids)
