"""Background jobs for the workspace: thin wrappers over caredesk.workspace.passwords."""

from __future__ import annotations

from huey import crontab

from caredesk.core.jobs import db_periodic_task, db_task
from caredesk.workspace import passwords


@db_task(priority=20, retries=3, retry_delay=20)
def send_password_reset_email(address: str, base_url: str) -> bool:
    """Mail a reset link (if an active agent has the address). Retried when the relay is
    unreachable; each try makes a fresh token, so a late email still carries a full-length
    link."""
    return passwords.password_reset_email_send(address=address, base_url=base_url)


@db_periodic_task(crontab(minute="23", hour="3"))
def purge_password_reset_requests() -> int:
    """Daily: forget reset requests after 30 days."""
    return passwords.password_reset_requests_purge()
