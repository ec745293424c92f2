"""Which language a system email is written in, and which wording it takes (pure).

docs/system-emails.md states both rules; tests/system_emails/test_choose.py pins them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from caredesk.language.detect import SURE, UNKNOWN
from caredesk.system_emails.kinds import LAST_RESORT, EmailKind
from caredesk.system_emails.shipped import Wording

# An admin's wording, by (mailbox id, or None for all mailboxes; language).
Overrides = Mapping[tuple[int | None, str], Wording]
NO_OVERRIDES: Overrides = {}


@dataclass(frozen=True)
class Chosen:
    wording: Wording
    language: str  # the language the wording is in: its promise is phrased in it too
    source: str  # "mailbox", "all mailboxes" or "shipped": where the wording came from


def language_primary(tag: str | None) -> str:
    """ "de" for "de-AT", "pt" for "pt_BR", "" for nothing: overrides and shipped texts are
    kept by primary language."""
    return (tag or "").strip().replace("_", "-").split("-")[0].lower()


def acknowledgement_language(
    *,
    detected: str,
    confidence: float | None,
    customer_language: str,
    mailbox_language: str,
) -> str:
    """The language to acknowledge a new ticket in: the language detected in the customer's
    first message when the detection is sure (the threshold at which it becomes the
    customer's language, caredesk.language.detect.SURE), else the customer's known language,
    else the mailbox's, else English."""
    sure = detected and detected != UNKNOWN and confidence is not None and confidence >= SURE
    for candidate in (detected if sure else "", customer_language, mailbox_language):
        primary = language_primary(candidate)
        if primary and primary != UNKNOWN:
            return primary
    return LAST_RESORT


def wording_choose(
    *,
    kind: EmailKind,
    overrides: Overrides,
    mailbox_id: int | None,
    language: str,
    mailbox_language: str = "",
) -> Chosen:
    """The wording of an email of `kind` from mailbox `mailbox_id` (None: not from a mailbox)
    in `language`. For each language in turn, `language`, then the mailbox's, then English:
    this mailbox's override, the override for all mailboxes, the shipped text. The first found
    wins; English is always shipped."""
    for wanted in dict.fromkeys(
        language_primary(t) for t in (language, mailbox_language, LAST_RESORT)
    ):
        if not wanted:
            continue
        if kind.per_mailbox and mailbox_id is not None and (mailbox_id, wanted) in overrides:
            return Chosen(overrides[(mailbox_id, wanted)], wanted, "mailbox")
        if (None, wanted) in overrides:
            return Chosen(overrides[(None, wanted)], wanted, "all mailboxes")
        if wanted in kind.shipped:
            return Chosen(kind.shipped[wanted], wanted, "shipped")
    raise LookupError(f"{kind.key} ships no {LAST_RESORT} wording")
