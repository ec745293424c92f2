"""Plain data produced by the pure inbound stages (parse, split quotes, classify).

Nothing here touches the database or settings, so every type can be built in a unit test.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Address:
    """One mailbox from a header: `address` is lower-cased, `name` is the decoded display name."""

    address: str
    name: str = ""


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    payload: bytes
    content_id: str = ""  # without angle brackets; set for inline (cid:) parts
    inline: bool = False

    @property
    def size(self) -> int:
        return len(self.payload)


class Kind(enum.StrEnum):
    """What sort of email this is, which decides how the pipeline treats it."""

    HUMAN = "human"
    AUTO_REPLY = "auto_reply"
    BULK = "bulk"
    BOUNCE = "bounce"


@dataclass(frozen=True)
class BounceReport:
    """What a delivery status notification says about one of our outgoing emails."""

    original_message_id: str = ""  # Message-ID of the email that bounced, if returned
    recipients: tuple[str, ...] = ()  # Final-Recipient addresses that failed
    status: str = ""  # e.g. "5.1.1"
    diagnostic: str = ""  # e.g. "550 5.1.1 user unknown"
    permanent: bool = True


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str  # without angle brackets; "" when the email has none
    subject: str
    from_: Address | None
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date: datetime | None  # timezone-aware, None if missing or unparseable
    in_reply_to: tuple[str, ...]  # message ids without angle brackets
    references: tuple[str, ...]  # in header order, without angle brackets
    headers: tuple[tuple[str, str], ...]  # every header, decoded, in order
    text: str  # plain-text body (derived from HTML when the email has only HTML)
    html: str  # HTML body sanitised with nh3 ("" when none)
    attachments: tuple[ParsedAttachment, ...] = ()
    defects: tuple[str, ...] = ()  # human-readable descriptions of what was wrong
    bounce: BounceReport | None = None  # set when the email is a delivery status notification

    def header(self, name: str) -> str:
        """The first header with this name (case-insensitive), or ""."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return ""

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Every message id this email points back at, nearest first, without duplicates."""
        seen: dict[str, None] = {}
        for mid in (*self.in_reply_to, *reversed(self.references)):
            if mid:
                seen.setdefault(mid, None)
        return tuple(seen)


@dataclass(frozen=True)
class SplitText:
    """A customer's message split into what they wrote now and what they quoted."""

    new: str
    quoted: str = ""
    signature: str = ""


@dataclass(frozen=True)
class Classification:
    kind: Kind
    reason: str = ""  # which signal decided it, for the record
    extra: dict[str, str] = field(default_factory=dict)
