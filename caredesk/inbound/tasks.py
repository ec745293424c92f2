"""Background jobs for incoming mail: thin wrappers over inbound.process."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from caredesk.inbound import process


@db_task(priority=10)
def process_inbound(intake_id: int) -> str:
    return process.inbound_process(intake_id=intake_id)


@db_periodic_task(crontab(minute="*"))
def process_stuck_inbound() -> int:
    """Safety net: pick up intake rows a crashed worker or a lost queue entry left behind."""
    ids = process.intake_stuck_ids()
    for intake_id in ids:
        process.inbound_process(intake_id=intake_id)
    return len(ids)
