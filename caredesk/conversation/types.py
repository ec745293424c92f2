"""What threading reads from an incoming email, stated here so that conversation needs nothing
from inbound, the stage above it: `inbound.prepare.Incoming` (and its `ParsedEmail`) fit these
shapes as they are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class ThreadHeaders(Protocol):
    """The headers an email is threaded by."""

    @property
    def message_id(self) -> str:
        """Without angle brackets; "" when the email has none."""
        ...

    @property
    def subject(self) -> str: ...

    @property
    def thread_ids(self) -> Sequence[str]:
        """Every Message-ID the email points back at (In-Reply-To, References), nearest first."""
        ...


class IncomingEmail(Protocol):
    """An email that arrived in a mailbox, as threading sees it."""

    @property
    def mailbox_id(self) -> int: ...

    @property
    def key(self) -> str:
        """Its Message-ID or, without one, a stand-in derived from its content."""
        ...

    @property
    def digest(self) -> str:
        """What it says: a second delivery has the same `key` and the same digest."""
        ...

    @property
    def tags(self) -> Sequence[str]:
        """The `+tag` parts of the recipient addresses that are the mailbox's own."""
        ...

    @property
    def parsed(self) -> ThreadHeaders: ...
