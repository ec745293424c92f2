"""Reading admins' wordings: all of a kind at once, so a batch of emails costs one query
(decision 0005), never one per email."""

from __future__ import annotations

from caredesk.system_emails.choose import Overrides
from caredesk.system_emails.models import SystemEmail
from caredesk.system_emails.shipped import Wording


def system_email_overrides(*, kind: str) -> Overrides:
    """Every override of `kind`, by (mailbox id or None, language): one query."""
    rows = SystemEmail.objects.filter(kind=kind).values_list(
        "mailbox_id", "language", "subject", "body"
    )
    return {
        (mailbox, language): Wording(subject, body) for mailbox, language, subject, body in rows
    }


def system_emails_overridden() -> dict[tuple[str, int | None, str], int]:
    """Which (kind, mailbox id or None, language) have an override, with its id, for the
    admin's list."""
    rows = SystemEmail.objects.values_list("kind", "mailbox_id", "language", "pk")
    return {(kind, mailbox_id, language): pk for kind, mailbox_id, language, pk in rows}
