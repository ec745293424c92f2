"""Background jobs for incoming mail: thin wrappers over inbound.process."""

from __future__ import annotations

from huey import crontab

from caredesk.core.jobs import db_periodic_task, db_task
from caredesk.inbound import process


@db_task(priority=10)
def process_waiting_inbound() -> int:
    """Process the oldest batch of waiting emails, whichever they are. Sources queue one job per
    email stored (or per batch fetched); under load the first jobs do the work in batches and
    the rest find nothing left."""
    return len(process.inbound_process_waiting())


@db_periodic_task(crontab(minute="*"))
def process_stuck_inbound() -> int:
    """Safety net: pick up intake rows a crashed worker or a lost queue entry left behind."""
    ids = process.intake_stuck_ids()
    for start in range(0, len(ids), process.BATCH_SIZE):
        process.inbound_process_batch(intake_ids=ids[start : start + process.BATCH_SIZE])
    return len(ids)
