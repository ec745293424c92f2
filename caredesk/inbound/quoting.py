"""Separate what a customer wrote now from the history they quoted and their signature.

When in doubt, keep text as new: showing an agent a quote twice is a nuisance, hiding a customer's
words is a wrong answer. So interleaved replies, "> " lines that nothing introduces as history,
forwarded messages and text we cannot make sense of stay whole. The lines that introduce
history (attributions, separators, header blocks) are recognised in `quote_markers`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from caredesk.inbound.quote_markers import (
    MOBILE_SIGNATURE,
    SEPARATOR,
    attribution,
    forward_line,
    forwarded,
    header_block,
    quote_introduction,
    split_embedded,
)
from caredesk.inbound.types import SplitText

_MAX_AFTER_MOBILE_SIGNATURE = 3  # non-blank lines (a name, a phone number) after the phrase
_MAX_BARE_SIGNATURE = 8
# Inside a "> " block, a long link wrapped by the client leaves a bare fragment on its own line:
# " (http://example.com/c/YzOTYzMmE) >" or "_nonce=3dd518)". It belongs to the quote.
_LINK_FRAGMENT = re.compile(r"\(?https?://\S*\)?\s*>?|\S{1,80}\)")


@dataclass(frozen=True)
class _Quote:
    start: int  # first line of the history (its attribution or separator)
    end: int  # one past its last line: the end of a "> " block, or of the text for an
    # unprefixed copy under a header block


def split_reply(text: str) -> SplitText:
    """Split `text` into new content, quoted history and signature. `new` is never empty when
    `text` has content."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return SplitText(new="")
    lines = _unjoin_attributions(text.split("\n"))
    quote = _find_quote(lines)
    if quote is None:
        new_lines, quoted_lines, after = lines, [], []
    else:
        new_lines, quoted_lines = lines[: quote.start], lines[quote.start : quote.end]
        after = lines[quote.end :]
    new_lines, signature_lines = _split_signature(new_lines)
    if any(line.strip() for line in after):
        # Text below the history: a bottom-posted answer, a sign-off or a signature.
        after_new, after_signature = _split_signature(after)
        if signature_lines:
            signature_lines = [*signature_lines, "", *after_new, *after_signature]
        elif _trim(new_lines):
            new_lines = [*_trim(new_lines).split("\n"), "", *_trim(after_new).split("\n")]
            signature_lines = after_signature
        else:
            new_lines, signature_lines = after_new, after_signature
    new = _trim(new_lines)
    if not new:
        return SplitText(new=_trim(lines))
    return SplitText(new=new, quoted=_trim(quoted_lines), signature=_trim(signature_lines))


def _unjoin_attributions(lines: list[str]) -> list[str]:
    """Put an attribution that shares a line with the customer's words on a line of its own."""
    out: list[str] = []
    for index, line in enumerate(lines):
        if line.endswith(":") or line.endswith(": "):
            parts = split_embedded(
                line, quotes_follow=_next_filled(lines, index + 1).startswith(">")
            )
            if parts:
                out.extend(parts)
                continue
        out.append(line)
    return out


def _find_quote(lines: list[str]) -> _Quote | None:
    """Where the quoted history is, or None when there is none we can be sure of."""
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped:
            index += 1
            continue
        if stripped.startswith(">"):
            end = _quote_run_end(lines, index)
            block = lines[index:end]
            if quote_introduction(block) and not forwarded(block):
                return _prefixed(lines, index, end)
            index = end  # quoted text nothing introduces as history is the customer's
            continue
        if forward_line(stripped):
            return None  # what follows is a forwarded message the customer wants us to read
        if SEPARATOR.fullmatch(stripped) or header_block(lines, index):
            return _Quote(_include_separator(lines, index), len(lines))
        follows = _next_filled(lines, index + 1).startswith(">")
        span = attribution(lines, index, quotes_follow=follows)
        if span:
            after = _next_filled_index(lines, index + span)
            if after is not None and lines[after].lstrip().startswith(">"):
                end = _quote_run_end(lines, after)
                if forwarded(lines[after:end]):
                    return None
                return _prefixed(lines, index, end)
            return _Quote(index, len(lines))
        index += 1
    return None


def _prefixed(lines: list[str], start: int, end: int) -> _Quote | None:
    """A "> " block from `start` to `end`; None when the customer answered between quotes."""
    if any(line.lstrip().startswith(">") for line in lines[end:]):
        return None  # interleaved: answers between quoted lines only make sense together
    return _Quote(start, end)


def _quote_run_end(lines: list[str], index: int) -> int:
    """One past the last line of the "> " block starting at `index` (blank lines and wrapped
    link fragments inside it included)."""
    end = index
    position = index
    while position < len(lines):
        stripped = lines[position].strip()
        if stripped.startswith(">"):
            end = position + 1
        elif stripped and not (
            _LINK_FRAGMENT.fullmatch(stripped) and _next_filled(lines, position + 1).startswith(">")
        ):
            break
        position += 1
    return end


def _next_filled_index(lines: list[str], index: int) -> int | None:
    for position in range(index, min(len(lines), index + 4)):
        if lines[position].strip():
            return position
    return None


def _next_filled(lines: list[str], index: int) -> str:
    position = _next_filled_index(lines, index)
    return "" if position is None else lines[position].lstrip()


def _include_separator(lines: list[str], index: int) -> int:
    """Outlook draws a line of underscores above its header block; it belongs to the quote."""
    previous = index - 1
    while previous >= 0 and not lines[previous].strip():
        previous -= 1
    if previous >= 0 and set(lines[previous].strip()) <= {"_", "-"} and len(lines[previous]) > 8:
        return previous
    return index


def _only_short_tail(
    lines: list[str], index: int, limit: int = _MAX_AFTER_MOBILE_SIGNATURE
) -> bool:
    count = 0
    for line in itertools.islice(lines, index + 1, None):
        if line.strip():
            count += 1
            if count > limit:
                return False
    return True


def _split_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    """Cut at the last "-- " delimiter, or at a "Sent from my iPhone" line near the end.

    Many mailers drop the delimiter's trailing space; a bare "--" counts only before a short
    block, since people also use it as a separator in running text.
    """
    filled = [index for index, line in enumerate(lines) if line.strip()]
    for position in range(len(filled) - 1, -1, -1):
        index = filled[position]
        line = lines[index]
        after = len(filled) - position - 1
        if line == "-- " or (line.rstrip() == "--" and after <= _MAX_BARE_SIGNATURE):
            return lines[:index], lines[index + 1 :]
    for position in range(max(0, len(filled) - 1 - _MAX_AFTER_MOBILE_SIGNATURE), len(filled)):
        index = filled[position]
        if MOBILE_SIGNATURE.fullmatch(lines[index].strip()) and _only_short_tail(lines, index):
            return lines[:index], lines[index:]
    return lines, []


def _trim(lines: list[str]) -> str:
    """The lines as they were, without blank lines around them."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end]).rstrip()
