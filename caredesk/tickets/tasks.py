"""Background jobs on tickets: thin wrappers over the services."""

from __future__ import annotations

from huey import crontab

from caredesk.core.jobs import db_periodic_task
from caredesk.tickets import sla_sweep


@db_periodic_task(crontab(minute="*"))
def sweep_sla_timers() -> int:
    """Every minute: warn about timers close to their target and act on breached ones. Safe
    when several workers run it at once (each timer fires once)."""
    return sla_sweep.sla_sweep_all().total
