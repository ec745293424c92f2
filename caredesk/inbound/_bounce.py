"""Reading delivery failures: RFC 3464 reports, and best effort for plain-text bounces."""

from __future__ import annotations

import re
from collections.abc import Sequence

from caredesk.inbound._decode import parse_ids
from caredesk.inbound.types import BounceReport

Block = list[tuple[str, str]]

DAEMON_LOCAL_PARTS = frozenset(
    {"mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "postmaster"}
)
# Subjects MTAs put on delivery failures, in the languages our customers' servers speak.
FAILURE_SUBJECT = re.compile(
    r"failure notice|undeliver|undelivered|returned mail|returned to sender|delivery status"
    r"|delivery (?:failure|failed|has failed|problem|notification)|mail delivery"
    r"|could not be delivered|non[- ]?delivery|nondeliverable|message not delivered"
    r"|unzustellbar|nicht zustellbar|non remis|impossible de remettre|no se puede entregar"
    r"|onbestelbaar|não foi possível entregar|non recapitabile|kan inte levereras",
    re.IGNORECASE,
)
_STATUS = re.compile(r"(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])")
_LONE_ADDRESS = re.compile(r"\s*<?([^\s<>@:;,]+@[^\s<>@:;,]+)>?:?\s*")
# Where the human-readable explanation stops and the copy of the original message starts.
_COPY_MARKERS = (
    "below this line is a copy of the message",
    "this is a copy of the message",
    "copy of your message",
    "original message follows",
    "original message headers",
    "-- the header and top",
)
_HEADER_LINE = re.compile(r"(?:return-path|received|message-id|from|date|subject|to):", re.I)
_TEMPORARY = ("temporar", "delayed", "will be retried", "still trying", "will retry")


def is_daemon(address: str) -> bool:
    return address.partition("@")[0].lower() in DAEMON_LOCAL_PARTS


def looks_like_bounce(sender: str, subject: str, return_path: str) -> bool:
    """A plain-text bounce: sent by a mail daemon (or with a null sender) about a failure."""
    null_sender = return_path.strip() == "<>"
    return (is_daemon(sender) or null_sender) and bool(FAILURE_SUBJECT.search(subject))


def blocks_from_text(text: str) -> list[Block]:
    """RFC 3464 field groups ("Name: value", folded lines, groups split by blank lines)."""
    blocks: list[Block] = []
    current: Block = []
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
                current = []
        elif line[0] in " \t" and current:
            name, value = current[-1]
            current[-1] = (name, f"{value} {line.strip()}")
        else:
            name, colon, value = line.partition(":")
            if colon:
                current.append((name.strip(), value.strip()))
    if current:
        blocks.append(current)
    return blocks


def _field(block: Block, name: str) -> str:
    for key, value in block:
        if key.lower() == name:
            return " ".join(value.split())
    return ""


def _typed_value(value: str) -> str:
    """ "rfc822; user@example.com" -> "user@example.com", "smtp; 550 ..." -> "550 ..." """
    kind, semicolon, rest = value.partition(";")
    return rest.strip() if semicolon and " " not in kind.strip() else value.strip()


def from_blocks(blocks: Sequence[Block], returned_ids: Sequence[str]) -> BounceReport:
    """Per-recipient groups say what failed; the first group is about the message as a whole."""
    recipients = [
        b for b in blocks if _field(b, "final-recipient") or _field(b, "original-recipient")
    ]
    failed = [b for b in recipients if _field(b, "action").lower().startswith("failed")]
    chosen = failed or recipients
    addresses: dict[str, None] = {}
    for block in chosen:
        raw = _field(block, "final-recipient") or _field(block, "original-recipient")
        address = _typed_value(raw).strip("<>").lower()
        if address:
            addresses.setdefault(address, None)
    first = chosen[0] if chosen else []
    status_match = _STATUS.search(_field(first, "status"))
    status = status_match.group(1) if status_match else ""
    permanent = status.startswith("5") if status else bool(failed)
    return BounceReport(
        original_message_id=returned_ids[0] if returned_ids else "",
        recipients=tuple(addresses),
        status=status,
        diagnostic=_typed_value(_field(first, "diagnostic-code"))[:1000],
        permanent=permanent,
    )


def from_text(text: str, returned_ids: Sequence[str]) -> BounceReport | None:
    """Best effort for qmail, old Exim and friends: a human explanation, then the original."""
    lines = text.splitlines()
    split = len(lines)
    for index, line in enumerate(lines):
        lowered = line.lower()
        if any(marker in lowered for marker in _COPY_MARKERS) or (
            _HEADER_LINE.match(line)
            and index + 1 < len(lines)
            and _HEADER_LINE.match(lines[index + 1])
        ):
            split = index
            break
    explanation = lines[:split]
    ids = list(returned_ids)
    for index in range(split, len(lines) if not ids else split):
        line = lines[index].lstrip(" >")
        if line[:11].lower() == "message-id:":
            value = line[11:]
            if index + 1 < len(lines) and lines[index + 1][:1] in (" ", "\t"):
                value += lines[index + 1]
            ids.extend(parse_ids(value, single=True))
            break
    recipients: dict[str, None] = {}
    diagnostic = ""
    for index, line in enumerate(explanation):
        match = _LONE_ADDRESS.fullmatch(line)
        if match:
            recipients.setdefault(match.group(1).lower(), None)
            if not diagnostic:
                following = [x.strip() for x in explanation[index + 1 : index + 4] if x.strip()]
                diagnostic = following[0] if following else ""
    status_match = _STATUS.search("\n".join(explanation))
    status = status_match.group(1) if status_match else ""
    if not ids and not recipients:
        return None
    lowered = "\n".join(explanation).lower()
    permanent = status.startswith("5") if status else not any(w in lowered for w in _TEMPORARY)
    return BounceReport(
        original_message_id=ids[0] if ids else "",
        recipients=tuple(recipients),
        status=status,
        diagnostic=diagnostic[:1000],
        permanent=permanent,
    )
