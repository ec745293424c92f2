"""The pure part of processing an intake row: everything that needs no database.

On SQLite this runs before the write transaction opens, so the single writer lock is held only
for the lookups and writes themselves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from caredesk.conversation.keys import lock_keys, tags_for_mailbox
from caredesk.inbound.classify import classify
from caredesk.inbound.models import InboundMessage
from caredesk.inbound.parsing import parse_email
from caredesk.inbound.quoting import split_reply
from caredesk.inbound.types import Address, Classification, Kind, ParsedEmail, SplitText
from caredesk.language.detect import NOTHING, Detected, language_detect, languages_parse
from caredesk.mailboxes.models import Mailbox


@dataclass
class Incoming:
    """One intake row with what its bytes say, ready to be threaded and recorded."""

    row: InboundMessage
    parsed: ParsedEmail
    verdict: Classification
    tags: list[str]  # the `+tag` parts of the recipient addresses that are this mailbox's
    sender: Address | None  # From, or the envelope sender; None if neither has an address
    key: str  # the Message-ID or its stand-in
    digest: str  # what it says: a second delivery has the same key *and* the same digest
    split: SplitText
    # The language of what a person wrote now (split.new), not of the history they quote.
    language: Detected = NOTHING

    @property
    def mailbox(self) -> Mailbox:
        return self.row.mailbox

    @property
    def mailbox_id(self) -> int:
        return self.row.mailbox_id

    @property
    def is_auto(self) -> bool:
        return self.verdict.kind == Kind.AUTO_REPLY

    def lock_keys(self) -> list[str]:
        """What two workers must not handle at the same time: the conversation's ids and the
        sender, whose customer record may be created."""
        keys = lock_keys(self.parsed, self.tags)
        if self.sender is not None:
            keys.append(f"addr:{self.sender.address}")
        return keys


def message_key(parsed: ParsedEmail) -> str:
    """The Message-ID, or for the rare email without one a stand-in derived from its content,
    so that two deliveries of it are still recognised as one."""
    if parsed.message_id:
        return parsed.message_id[:500]
    sender = parsed.from_.address if parsed.from_ else ""
    basis = "\x00".join([sender, parsed.header("Date"), parsed.subject, parsed.text])
    return f"no-id.{hashlib.sha256(basis.encode('utf-8', 'replace')).hexdigest()[:40]}@caredesk"


def content_digest(parsed: ParsedEmail) -> str:
    """What an email says, as a hash: sender, Date, subject, text, HTML and attachments.

    Transport leaves it alone (Received and other trace headers, line endings and re-wrapped
    whitespace, a relay re-encoding 8-bit as quoted-printable or base64), so the same email
    delivered twice, by SMTP and by IMAP, or to two of our addresses, has one digest; a
    different email under a reused Message-ID, or a second scan without one, has its own.
    """
    sender = parsed.from_.address if parsed.from_ else ""
    parts = [
        sender,
        parsed.header("Date"),
        " ".join(parsed.subject.split()),
        " ".join(parsed.text.split()),
        " ".join(parsed.html.split()),
        *(hashlib.sha256(a.payload).hexdigest() for a in parsed.attachments),
    ]
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "replace")).hexdigest()


def incoming_prepare(row: InboundMessage) -> Incoming:
    parsed = parse_email(bytes(row.raw))
    verdict = classify(parsed)
    tags = tags_for_mailbox(row.mailbox, _recipient_addresses(parsed, row.envelope_to))
    split = split_reply(parsed.text) if verdict.kind != Kind.BOUNCE else SplitText(new="")
    language = NOTHING
    if verdict.kind == Kind.HUMAN:
        languages = languages_parse(settings.CAREDESK_LANGUAGES)
        language = language_detect(split.new or parsed.subject, languages=languages)
    return Incoming(
        row=row,
        parsed=parsed,
        verdict=verdict,
        tags=tags,
        sender=_sender(parsed, row),
        key=message_key(parsed),
        digest=content_digest(parsed),
        split=split,
        language=language,
    )


def _recipient_addresses(parsed: ParsedEmail, envelope_to: Sequence[str]) -> list[str]:
    found = list(envelope_to)
    found += [a.address for a in (*parsed.to, *parsed.cc)]
    for name in ("Delivered-To", "X-Original-To", "Envelope-To"):
        value = parsed.header(name)
        if value:
            found.append(value)
    return found


def _sender(parsed: ParsedEmail, row: InboundMessage) -> Address | None:
    if parsed.from_ and "@" in parsed.from_.address:
        return parsed.from_
    if "@" in row.envelope_from:
        return Address(address=row.envelope_from.strip().lower())
    return None
