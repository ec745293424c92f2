"""Rendering `{{ name }}` variables: a tiny, sandboxed substitution engine (pure).

Saved replies (caredesk.replies) and system emails (caredesk.system_emails) both render with
it; it lives here, at the bottom of the layers, so that ticket intake can use it too.

A template's body may name only the variables documented in docs/templates.md, written
`{{ customer.first_name }}`. Rendering looks each name up in a flat mapping of plain strings
built for one ticket; there is no attribute access, no filters, no tags and no code, so a body
can never reach settings, other customers or anything but the values handed to it. A name that
is unknown, or known but empty for this ticket, renders a visible placeholder
("[missing: customer.first_name]"), and the render lists it, so the agent sees what to fill in
and a reply still carrying a placeholder is refused.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

# What a saved reply's body may name, in the order the docs and the picker list them.
VARIABLES: tuple[str, ...] = (
    "customer.name",
    "customer.first_name",
    "ticket.reference",
    "ticket.subject",
    "ticket.promised_reply",
    "agent.name",
    "agent.signature",
    "mailbox.name",
)

# `{{ name }}` with optional spaces; the name is anything up to the closing braces, so that
# `{{ settings.SECRET_KEY }}` or `{{ customer.__class__ }}` is found (and refused) rather than
# left in the text looking like a variable.
VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# What a placeholder looks like in a rendered text (and in a reply an agent is about to send).
PLACEHOLDER = re.compile(r"\[missing: ([^\]\n]{1,80})\]")


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: tuple[str, ...]  # the names rendered as placeholders, each once, in order


def placeholder(name: str) -> str:
    return f"[missing: {name or '?'}]"


def render(
    body: str, values: Mapping[str, str], *, allowed: Collection[str] = VARIABLES
) -> Rendered:
    """`body` with each `{{ name }}` replaced by `values[name]` when `name` is one of the
    `allowed` variables (a saved reply's, by default) with a value, else by a placeholder.
    Values are inserted as they are: they are never rendered again, so a customer's name
    holding `{{ ... }}` stays text."""
    missing: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name, "") if name in allowed else ""
        if value:
            return value
        if name not in missing:
            missing.append(name)
        return placeholder(name)

    return Rendered(VARIABLE.sub(substitute, body), tuple(missing))


def variables_in(text: str) -> list[str]:
    """The names a text's `{{ ... }}` name, each once, in order (known or not)."""
    return list(dict.fromkeys(VARIABLE.findall(text)))


def placeholders_in(text: str) -> list[str]:
    """The placeholders still in a text (a reply about to be sent), each once, in order."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def placeholders_refusal(text: str) -> str:
    """Why a reply cannot be sent as it is, when it still holds placeholders (a template's
    variable the ticket had no value for); empty when it can. One wording for every interface."""
    missing = placeholders_in(text)
    if not missing:
        return ""
    return (
        f"not sent: the reply still has {', '.join(f'[missing: {m}]' for m in missing)}"
        "; write what belongs there, then send"
    )


def choose_language(
    available: list[str], *, customer_language: str, mailbox_language: str
) -> str | None:
    """Which of a template's variants to use: the customer's language, else the mailbox's,
    else the first variant. Tags match on their primary subtag too ("de-AT" takes "de")."""
    if not available:
        return None
    for wanted in (customer_language, mailbox_language):
        tag = wanted.strip().replace("_", "-").lower()
        if not tag:
            continue
        lowered = {a.lower(): a for a in available}
        if tag in lowered:
            return lowered[tag]
        primary = tag.split("-")[0]
        for candidate in available:
            if candidate.lower().split("-")[0] == primary:
                return candidate
    return available[0]
