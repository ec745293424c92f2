from __future__ import annotations

from dataclasses import dataclass

from caredesk.mailboxes.models import Mailbox


@dataclass(frozen=True)
class Recipient:
    """What a recipient address means to us: which mailbox, and the +tag if any."""

    mailbox_id: int
    tag: str


def split_address(address: str) -> tuple[str, str, str]:
    """`Support+Tag@Example.com` -> ("support", "Tag", "example.com")."""
    local, _, domain = address.strip().strip("<>").rpartition("@")
    base, _, tag = local.partition("+")
    return base.lower(), tag, domain.lower()


def mailbox_owns_address(*, mailbox: Mailbox, address: str) -> bool:
    """Whether `address` is `mailbox`'s own: its address, or a `+tag` of it (the per-ticket reply
    and bounce addresses), in any case. Mail from such an address is the mailbox writing to
    itself (a loop), and such an address is never a participant of a ticket."""
    base, _, domain = split_address(address)
    return f"{base}@{domain}" == mailbox.address


def mailbox_addresses() -> dict[str, int]:
    return dict(Mailbox.objects.values_list("address", "id"))


def recipient_resolve(address: str, known: dict[str, int] | None = None) -> Recipient | None:
    """Which mailbox `address` (possibly `local+tag@domain`) belongs to, or None."""
    base, tag, domain = split_address(address)
    if not base or not domain:
        return None
    key = f"{base}@{domain}"
    if known is not None:
        mailbox_id = known.get(key)
    else:
        mailbox_id = Mailbox.objects.filter(address=key).values_list("id", flat=True).first()
    return Recipient(mailbox_id=mailbox_id, tag=tag) if mailbox_id else None
