"""Who a reply says it is from: the agent's name with the mailbox's, as each mailbox sets it.

"Ann at Example Support" tells the customer a person answered and where from; some teams want
the mailbox alone (replies read as the team's) or the agent alone. A mailbox's sender format
is a short pattern with `{agent}` and `{mailbox}` in it. Pure: no database.
"""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError

DEFAULT_SENDER_FORMAT = "{agent} at {mailbox}"
# The usual choices, offered by the admin's help text and the docs; any pattern with these
# two names (and nothing else in braces) is accepted: "{agent} von {mailbox}".
SENDER_FORMATS = {
    "{agent} at {mailbox}": "the agent with the mailbox: Ann at Example Support",
    "{mailbox}": "the mailbox only: Example Support",
    "{agent}": "the agent only: Ann",
}
FIELDS = ("agent", "mailbox")
MAX_LENGTH = 100


def sender_format_problem(pattern: str) -> str | None:
    """Why `pattern` cannot be a sender format, or None when it can."""
    if not pattern.strip():
        return "a sender format needs {agent} or {mailbox}"
    if len(pattern) > MAX_LENGTH:
        return f"a sender format is at most {MAX_LENGTH} characters"
    if any(ch in pattern for ch in "\r\n\t\0"):
        return "a sender format is one line"
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:
        return "a sender format has a stray { or }: write {agent} and {mailbox} only"
    names = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in FIELDS or spec or conversion:
            return f"a sender format may name {{agent}} and {{mailbox}} only, not {{{name}}}"
        names.add(name)
    if not names:
        return "a sender format needs {agent} or {mailbox}"
    return None


def sender_format_validate(pattern: str) -> None:
    """The model field's validator (the admin's form shows the reason)."""
    problem = sender_format_problem(pattern)
    if problem is not None:
        raise ValidationError(problem)


def _one_line(value: str) -> str:
    """A name as one line of printable text: no header can be cut short or added by it."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def sender_name(*, pattern: str, agent: str, mailbox: str) -> str:
    """The display name for From: `pattern` filled in. When a name it needs is missing (an agent
    or a mailbox without one), the other one alone; a pattern stored before it was checked
    falls back to the default."""
    agent, mailbox = _one_line(agent), _one_line(mailbox)
    if sender_format_problem(pattern) is not None:
        pattern = DEFAULT_SENDER_FORMAT
    uses = {name for _, name, _, _ in string.Formatter().parse(pattern) if name}
    if ("agent" in uses and not agent) or ("mailbox" in uses and not mailbox):
        return agent or mailbox
    return _one_line(pattern.format(agent=agent, mailbox=mailbox))
