from __future__ import annotations

from dataclasses import dataclass

from caredesk.mailboxes.models import Mailbox

# Addresses every domain that receives mail must accept (RFC 5321 4.5.1 for postmaster, RFC 2142
# for abuse), at each domain of our mailboxes. Mail to them is kept for admins, never a ticket.
ADMIN_LOCAL_PARTS = frozenset({"postmaster", "abuse"})


@dataclass(frozen=True)
class Recipient:
    """What a recipient address means to us: which mailbox, and the +tag if any.

    `for_admins`: postmaster@ or abuse@ at the domain of `mailbox_id` (a mailbox of that domain,
    the oldest), which no mailbox of its own answers to.
    """

    mailbox_id: int
    tag: str
    for_admins: bool = False


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
    """Which mailbox `address` (possibly `local+tag@domain`) belongs to, or None.

    postmaster@ and abuse@ at a domain of ours (and a bare `Postmaster`, which RFC 5321 also
    requires) resolve `for_admins` unless a mailbox has that very address.
    """
    if known is None:
        known = mailbox_addresses()
    if address.strip().strip("<>").lower() == "postmaster":
        first = min(known.values(), default=None)
        return Recipient(mailbox_id=first, tag="", for_admins=True) if first else None
    base, tag, domain = split_address(address)
    if not base or not domain:
        return None
    mailbox_id = known.get(f"{base}@{domain}")
    if mailbox_id:
        return Recipient(mailbox_id=mailbox_id, tag=tag)
    if base in ADMIN_LOCAL_PARTS and not tag:
        at_domain = [
            i for known_address, i in known.items() if known_address.endswith(f"@{domain}")
        ]
        if at_domain:
            return Recipient(mailbox_id=min(at_domain), tag="", for_admins=True)
    return None
