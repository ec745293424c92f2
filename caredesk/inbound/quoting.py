"""Separate what a customer wrote now from the history they quoted and their signature.

When in doubt, keep text as new: showing an agent a quote twice is a nuisance, hiding a customer's
words is a wrong answer. So interleaved replies, bottom-posting and text we cannot make sense of
stay whole.
"""

from __future__ import annotations

import itertools
import re

from caredesk.inbound.types import SplitText

# Attribution lines ("On <date>, <name> wrote:") per language: how they start, a word they must
# contain (or None) and how they end. Compared case-insensitively on whitespace-collapsed text.
_ATTRIBUTIONS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("on ", None, ("wrote:",)),
    ("am ", " schrieb ", (":",)),
    ("le ", None, ("a écrit :", "a écrit:", "a ecrit :", "a ecrit:")),
    ("el ", None, ("escribió:", "escribio:", "escribió :")),
    ("il ", None, ("ha scritto:", "ha scritto :")),
    ("op ", " schreef ", (":",)),
    ("em ", None, ("escreveu:", "escreveu :")),
    ("den ", " skrev ", (":",)),
)
_MAX_ATTRIBUTION = 400
# Real attributions carry a time, a year or an address; "On Monday I wrote:" is a sentence.
_DATE_OR_ADDRESS = re.compile(r"\d:\d\d|\d{4}|@")
_ORIGINAL_MESSAGE = re.compile(
    r"-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original"
    r"|oorspronkelijk bericht|mensagem original|messaggio originale|originalmeddelande"
    r"|original meddelelse|opprinnelig melding)\s*-{2,}",
    re.IGNORECASE,
)
# Outlook's header block: a "From:" line followed closely by a "Sent:" (or "Date:") line.
_FROM_LABEL = re.compile(r"\*?(?:from|von|de|van|da|från|fra|od)\s?\*?\s?:", re.IGNORECASE)
_SENT_LABEL = re.compile(
    r"\*?(?:sent|date|gesendet|datum|envoyé|envoye|enviado(?: el)?|enviada em|fecha|verzonden"
    r"|inviato|data|skickat|sendt|wysłano)\s?\*?\s?:",
    re.IGNORECASE,
)
_SUBJECT_LABEL = re.compile(
    r"\*?(?:subject|betreff|objet|asunto|onderwerp|assunto|oggetto|ämne|emne)\s?\*?\s?:\s*",
    re.IGNORECASE,
)
_FORWARD_SUBJECT = re.compile(r"(?:fwd?|wg|tr|rv|doorst|enc|i|vb)\s?:", re.IGNORECASE)
_FORWARD_MARKERS = (
    "forward", "weitergeleitet", "transféré", "reenviado", "inoltrat", "doorgestuurd",
    "encaminhad", "vidarebefordrat", "videresendt",
)  # fmt: skip
_MOBILE_SIGNATURE = re.compile(
    r"(?:sent from my \w[\w ]{0,30}|sent from (?:mail|outlook) for \w+(?: \d+)?"
    r"|get outlook for \w+|sent from outlook(?: for \w+)?|sent from yahoo mail[\w ]{0,30}"
    r"|sent from samsung mobile|sent via the samsung galaxy[\w ,]{0,40}"
    r"|enviado desde mi \w[\w ]{0,30}|enviado do meu \w[\w ]{0,30}"
    r"|von meinem \w[\w ]{0,30} gesendet|envoyé de mon \w[\w ]{0,30}"
    r"|verzonden (?:vanaf|met) mijn \w[\w ]{0,30}|inviato da(?:l mio)? \w[\w ]{0,30}"
    r"|skickat från min \w[\w ]{0,30})"
    r"[.!]?(?:\s*<[^<>]{0,200}>)?",
    re.IGNORECASE,
)
_MAX_AFTER_MOBILE_SIGNATURE = 3  # non-blank lines (a name, a phone number) after the phrase
_MAX_BARE_SIGNATURE = 8
_SPACES = re.compile(r"\s+")


def split_reply(text: str) -> SplitText:
    """Split `text` into new content, quoted history and signature. `new` is never empty when
    `text` has content."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return SplitText(new="")
    lines = text.split("\n")
    start, with_prefix_only = _quote_start(lines)
    if start is None:
        new_lines, quoted_lines = lines, []
    else:
        new_lines, quoted_lines = lines[:start], lines[start:]
        if with_prefix_only and _interleaved(quoted_lines):
            new_lines, quoted_lines = lines, []
    new_lines, signature_lines = _split_signature(new_lines)
    if with_prefix_only and quoted_lines and not signature_lines:
        # Thunderbird and others can put the signature below the quote.
        quoted_lines, signature_lines = _trailing_signature(quoted_lines)
    new = _trim(new_lines)
    if not new:
        return SplitText(new=_trim(lines))
    return SplitText(new=new, quoted=_trim(quoted_lines), signature=_trim(signature_lines))


def _quote_start(lines: list[str]) -> tuple[int | None, bool]:
    """Index of the first line of quoted history, and whether that history is only "> " lines
    (True) or an unprefixed copy under an Outlook-style header (False)."""
    first_quote: int | None = None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(">"):
            if first_quote is None:
                first_quote = index
            continue
        if first_quote is not None:
            # Text after a "> " block: inline answers or bottom-posting. Headers further down
            # do not matter, the caller keeps everything.
            return first_quote, True
        if _ORIGINAL_MESSAGE.fullmatch(stripped) or _outlook_header(lines, index):
            return _include_separator(lines, index), False
        span = _attribution(lines, index)
        if span:
            return index, True
    return first_quote, True


def _attribution(lines: list[str], index: int) -> int:
    """How many lines (1 or 2) the attribution starting at `index` spans, or 0."""
    line = lines[index].strip()
    if len(line) > _MAX_ATTRIBUTION:
        return 0
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    candidates = [(line, 1)] if line.endswith(":") else []
    if following.endswith(":") and len(following) < _MAX_ATTRIBUTION:
        candidates.append((f"{line} {following}", 2))
    for candidate, span in candidates:
        folded = _SPACES.sub(" ", candidate.replace("\xa0", " ")).lower()
        if _DATE_OR_ADDRESS.search(folded) and _matches_attribution(folded):
            return span
        # A bare "Jane Doe wrote:" only counts when quoted lines follow.
        if folded.endswith(" wrote:") and len(folded) < 120 and _quotes_follow(lines, index + span):
            return span
    return 0


def _matches_attribution(folded: str) -> bool:
    return any(
        folded.startswith(prefix) and folded.endswith(endings) and (not needle or needle in folded)
        for prefix, needle, endings in _ATTRIBUTIONS
    )


def _quotes_follow(lines: list[str], index: int) -> bool:
    for line in lines[index : index + 3]:
        if line.strip():
            return line.lstrip().startswith(">")
    return False


def _outlook_header(lines: list[str], index: int) -> bool:
    if not _FROM_LABEL.match(lines[index].strip()):
        return False
    block = [line.strip() for line in lines[index + 1 : index + 6] if line.strip()]
    if not any(_SENT_LABEL.match(line) for line in block[:3]):
        return False
    previous = _previous_line(lines, index)
    if any(marker in previous.lower() for marker in _FORWARD_MARKERS):
        return False  # a forwarded message is what the customer wants us to read
    for line in block:
        subject = _SUBJECT_LABEL.match(line)
        if subject:
            return not _FORWARD_SUBJECT.match(line[subject.end() :])
    return True


def _previous_line(lines: list[str], index: int) -> str:
    for previous in range(index - 1, max(-1, index - 20), -1):
        if lines[previous].strip():
            return lines[previous].strip()
    return ""


def _include_separator(lines: list[str], index: int) -> int:
    """Outlook draws a line of underscores above its header block; it belongs to the quote."""
    previous = index - 1
    while previous >= 0 and not lines[previous].strip():
        previous -= 1
    if previous >= 0 and set(lines[previous].strip()) <= {"_", "-"} and len(lines[previous]) > 8:
        return previous
    return index


def _interleaved(quoted: list[str]) -> bool:
    """True when the customer typed between or after quoted lines (not just a signature)."""
    seen_quote = False
    for index, line in enumerate(quoted):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(">"):
            seen_quote = True
        elif seen_quote:
            signature = stripped == "--" or (
                _MOBILE_SIGNATURE.fullmatch(stripped) and _only_short_tail(quoted, index)
            )
            return not signature
    return False


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
        if _MOBILE_SIGNATURE.fullmatch(lines[index].strip()):
            return lines[:index], lines[index:]
    return lines, []


def _trailing_signature(quoted: list[str]) -> tuple[list[str], list[str]]:
    last_quote = max(
        (i for i, line in enumerate(quoted) if line.lstrip().startswith(">")), default=-1
    )
    if last_quote < 0:
        return quoted, []
    for index in range(len(quoted) - 1, last_quote, -1):
        if quoted[index].rstrip() == "--":
            return quoted[:index], quoted[index + 1 :]
    return quoted, []


def _trim(lines: list[str]) -> str:
    """The lines as they were, without blank lines around them."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end]).rstrip()
