from __future__ import annotations

from caredesk.core.errors import InvalidRequest
from caredesk.mailboxes.models import Mailbox


def mailbox_create(*, address: str, name: str = "") -> Mailbox:
    address = address.strip().lower()
    local, at, domain = address.partition("@")
    if not (local and at and "." in domain) or "+" in local:
        raise InvalidRequest(f"{address!r} is not a plain address such as support@example.com")
    if Mailbox.objects.filter(address=address).exists():
        raise InvalidRequest(f"the mailbox {address} already exists")
    return Mailbox.objects.create(address=address, name=name)
