"""Small text helpers shared by several stages."""

from __future__ import annotations

import re

_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|sv|vs|antw|rif|r|tr|rv|enc|odp|ynt)\s*(\[\d+\])?\s*[:：]\s*)+",
    re.IGNORECASE,
)


def normalise_subject(subject: str) -> str:
    """The subject without reply/forward prefixes in the common languages, whitespace folded."""
    return " ".join(_PREFIX.sub("", subject or "").split())


def mask_address(address: str) -> str:
    """An address safe for logs: `j***@example.com`."""
    local, _, domain = address.partition("@")
    if not domain:
        return "***"
    return f"{local[:1]}***@{domain}"


def clean_text(text: str) -> str:
    """Text a person typed, stripped, without NUL characters (no database stores them)."""
    return text.replace("\x00", "").strip()
