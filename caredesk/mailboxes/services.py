from __future__ import annotations

from caredesk.core.errors import InvalidRequest
from caredesk.mailboxes.models import Mailbox
from caredesk.mailboxes.senders import sender_format_problem


def mailbox_create(*, address: str, name: str = "") -> Mailbox:
    address = address.strip().lower()
    local, at, domain = address.partition("@")
    if not (local and at and "." in domain) or "+" in local:
        raise InvalidRequest(f"{address!r} is not a plain address such as support@example.com")
    if Mailbox.objects.filter(address=address).exists():
        raise InvalidRequest(f"the mailbox {address} already exists")
    return Mailbox.objects.create(address=address, name=name)


def mailbox_update(
    *,
    mailbox: Mailbox,
    name: str | None = None,
    acknowledge: bool | None = None,
    sender_format: str | None = None,
    quote_previous: bool | None = None,
) -> list[str]:
    """Change what is given; what changed, one phrase each (empty when nothing did)."""
    changes: list[str] = []
    if sender_format is not None and sender_format.strip() != mailbox.sender_format:
        problem = sender_format_problem(sender_format.strip())
        if problem is not None:
            raise InvalidRequest(problem)
        mailbox.sender_format = sender_format.strip()
        changes.append(f"replies from {mailbox.sender_format!r}")
    if quote_previous is not None and quote_previous != mailbox.quote_previous:
        mailbox.quote_previous = quote_previous
        changes.append(
            "quotes the customer's message in replies" if quote_previous else "quotes nothing"
        )
    if name is not None and name.strip() != mailbox.name:
        mailbox.name = name.strip()[:200]
        changes.append(f"sender name {mailbox.name!r}" if mailbox.name else "no sender name")
    if acknowledge is not None and acknowledge != mailbox.acknowledge:
        mailbox.acknowledge = acknowledge
        changes.append("acknowledges new tickets" if acknowledge else "sends no acknowledgements")
    if changes:
        mailbox.save(update_fields=["name", "acknowledge", "sender_format", "quote_previous"])
    return changes
