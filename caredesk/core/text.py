"""Small text helpers shared by several stages."""

from __future__ import annotations

import re

_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|sv|vs|antw|rif|r|tr|rv|enc|odp|ynt)\s*(\[\d+\])?\s*[:：]\s*)+",
    re.IGNORECASE,
)


# A ticket's reference as caredesk writes it in subjects: "Re: Charged twice [#19]".
TICKET_TAG = re.compile(r"\[#(\d{1,12})\]")


def subject_untagged(subject: str) -> str:
    """`subject` without its `[#123]` tags, whitespace folded.

    For the subject of a ticket an email opens or a message is split into: a tag in it names
    another ticket (a stranger naming someone else's, a follow-up of a closed one, the ticket
    split from), and kept, it would name that ticket in every reply ("Re: Charged twice [#6]
    [#19]")."""
    return " ".join(TICKET_TAG.sub(" ", subject or "").split())


def normalise_subject(subject: str) -> str:
    """The subject without reply/forward prefixes in the common languages, whitespace folded."""
    return " ".join(_PREFIX.sub("", subject or "").split())


def first_name(name: str) -> str:
    """The name to greet someone by: "Anna" for "Anna Schmidt", "Maria" for "Lopez, Maria";
    empty when there is none or the name is an email address (nobody is greeted as
    "anna@example.com")."""
    name = name.strip().strip('"')
    if "," in name:
        family, _, given = name.partition(",")
        name = given if given.strip() else family
    words = name.split()
    return "" if not words or "@" in words[0] else words[0]


def mask_address(address: str) -> str:
    """An address safe for logs: `j***@example.com`."""
    local, _, domain = address.partition("@")
    if not domain:
        return "***"
    return f"{local[:1]}***@{domain}"


def clean_text(text: str) -> str:
    """Text a person typed, stripped, without NUL characters (no database stores them)."""
    return text.replace("\x00", "").strip()
