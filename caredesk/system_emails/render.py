"""Filling in a system email (pure): the sandboxed `{{ name }}` substitution of
caredesk.core.render, with what an email nobody reviews before it leaves needs on top.

- A variable with no value (a customer known only by their address has no name) takes the
  kind's fallback for the language (`ticket.promised_reply`: "as soon as we can"), else
  renders as nothing: never a "[missing: ...]" placeholder, which an agent would catch in a
  reply but a customer would read here.
- A space left in front of punctuation goes ("Hello ," becomes "Hello,").
- A line whose variables all came out empty and that keeps at most one other word ("Hello
  {{ customer.first_name }},", "{{ customer.name }} 様") is left out, with the blank line
  after it, so the email starts with its first real sentence.

Unknown names are refused when an override is saved (caredesk.system_emails.services), and
render as nothing here, so a shipped or stored text can never show one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from caredesk.core.render import VARIABLE
from caredesk.system_emails.kinds import EmailKind
from caredesk.system_emails.shipped import Wording

_EMPTY = "\x00"  # stands for a variable that came out empty, until the line is tidied
_BEFORE_PUNCTUATION = re.compile(r"[ \t\u00a0]*\x00[ \t\u00a0]*(?=[,.;:!?、。，：）)])")
_BETWEEN_WORDS = re.compile(r"(?<=\S)[ \t]*\x00[ \t]*(?=\S)")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def values_for(kind: EmailKind, language: str, values: Mapping[str, str]) -> dict[str, str]:
    """`values` limited to what `kind` may name, each empty one replaced by the kind's
    fallback in `language` where it has one."""
    return {
        name: (values.get(name, "").strip() or kind.fallback(language, name))
        for name in kind.variables
    }


def email_render(
    wording: Wording, values: Mapping[str, str], *, kind: EmailKind, language: str
) -> Wording:
    """`wording` filled in with `values` for an email of `kind` in `language`."""
    filled = values_for(kind, language, values)
    subject = " ".join(_line(wording.subject, filled).split())
    lines: list[str] = []
    dropped = False
    for line in wording.body.splitlines():
        if dropped and not line.strip():
            dropped = False
            continue  # the blank line after a line left out goes with it
        dropped = _left_out(line, filled)
        if not dropped:
            lines.append(_line(line, filled))
    body = "\n".join(lines).strip("\n")
    return Wording(subject=subject, body=body + "\n")


def _line(text: str, values: Mapping[str, str]) -> str:
    """One line with its variables filled in, in one pass (a value is never rendered again),
    and tidied where one came out empty."""
    marked = VARIABLE.sub(lambda m: values.get(m.group(1), "") or _EMPTY, text)
    if _EMPTY not in marked:
        return marked
    marked = _BEFORE_PUNCTUATION.sub("", marked)
    marked = _BETWEEN_WORDS.sub(" ", marked)
    return marked.replace(_EMPTY, "").rstrip()


def _left_out(line: str, values: Mapping[str, str]) -> bool:
    names = VARIABLE.findall(line)
    if not names or any(values.get(name) for name in names):
        return False
    return len(_WORD.findall(VARIABLE.sub(" ", line))) <= 1
