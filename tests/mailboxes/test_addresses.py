"""Which addresses are a mailbox's own (pure: the mailbox is never saved)."""

from __future__ import annotations

import pytest

from caredesk.mailboxes.models import Mailbox
from caredesk.mailboxes.selectors import mailbox_owns_address

SUPPORT = Mailbox(address="support@example.com")


@pytest.mark.parametrize(
    "address",
    [
        "support@example.com",
        "support+3f2a9c@example.com",  # a ticket's reply address
        "support+b-3f2a9c@example.com",  # a bounce address
        "Support@Example.COM",
        "<support@example.com>",
    ],
)
def test_the_mailbox_and_its_tagged_addresses_are_its_own(address: str) -> None:
    assert mailbox_owns_address(mailbox=SUPPORT, address=address)


@pytest.mark.parametrize(
    "address",
    [
        "jane@example.com",
        "support@example.org",
        "support@mail.example.com",
        "support-team@example.com",
        "billing+support@example.com",
        "support",
        "",
    ],
)
def test_other_addresses_are_not(address: str) -> None:
    assert not mailbox_owns_address(mailbox=SUPPORT, address=address)
