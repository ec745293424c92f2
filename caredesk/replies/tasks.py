"""Background jobs on templates: thin wrappers over the services."""

from __future__ import annotations

from huey import crontab

from caredesk.core.jobs import db_periodic_task
from caredesk.replies import stale


@db_periodic_task(crontab(minute="7"))
def flag_stale_templates() -> int:
    """Hourly: tell owners of templates whose review-by date has come (or is a week away),
    once per template and date, however many workers run it."""
    return stale.templates_stale_flag_all(today=stale.desk_today())
