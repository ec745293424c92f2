"""Lines that introduce quoted history or a signature, in the languages our customers write.

Pure recognisers over a list of lines; `quoting` decides what to do with them. Every pattern
here is compared on whitespace-collapsed, lower-cased text without direction marks.
"""

from __future__ import annotations

import re

MAX_ATTRIBUTION = 400
_MAX_ATTRIBUTION_LINES = 3
_INVISIBLE = str.maketrans(
    {"\xa0": " ", "\u200e": None, "\u200f": None, "\u200b": None, "\uff1a": ":"}
)
_SPACES = re.compile(r"\s+")

# "On <date>, <name> wrote:" in every language we have met: the verb ends the line ...
_WROTE_AT_END = re.compile(
    r"(?:wrote|sent|schrieb|a [ée]crit|escribi[óo]|ha scritto|schreef|geschreven|escreveu"
    r"|skrev|napisa[łl](?:\(a\)|a)?|написал(?:\(а\)|а)?|kirjoitti|đã viết|pisze"
    r"|書きました|のメッセージ|写道|寫道|작성)\s?:$"
)
# Any other language: a year, a time and an address, a colon at the end, "> " lines below.
_YEAR_AND_TIME = re.compile(r"(?=.*(?<!\d)(?:19|20)\d\d(?!\d)).*\d:\d\d")
# ... or, in German, Dutch and the Scandinavian languages, comes before the name.
_WROTE_BEFORE_NAME = re.compile(r"\b(?:schrieb|schreef|skrev|napisał)\b .{1,200}:$")
# How attributions start when the client puts the date first. With one of these openings the
# history below the attribution may be unprefixed (talon's Outlook-less webmails do that);
# without one, "> " lines must follow for the line to count.
_OPENINGS = re.compile(r"^(?:on|am|le|el|il|in data|op|em|den|på|w dniu|dnia|vào) ")
# Real attributions carry a time, a year or an address; "On Monday I wrote:" is a sentence.
_DATE_OR_ADDRESS = re.compile(r"\d:\d\d|\d{4}|@|\d\.\d\d")
# "2014-10-17 11:28 GMT+03:00 Jane <jane@example.com>:", "26.06.2014, 14:41, "Jane" <...>:"
_DATE_FIRST = re.compile(
    r"^(?:\d{1,4}[-./]\d{1,2}[-./]\d{1,4}|(?:mon|tue|wed|thu|fri|sat|sun)\w*,? \d)"
)
_BARE_WROTE = re.compile(r"^[^:<>]{1,80} wrote\s?:$")

SEPARATOR = re.compile(
    r"-{2,}\s*(?:original message|reply message|ursprüngliche nachricht|antwort nachricht"
    r"|message d'origine|mensaje original|oorspronkelijk bericht|mensagem original"
    r"|messaggio originale|originalmeddelande|original meddelelse|oprindelig meddelelse"
    r"|oprindelig besked|opprinnelig melding|исходное сообщение|alkuperäinen viesti"
    r"|wiadomość oryginalna|původní zpráva)\s*-{2,}",
    re.IGNORECASE,
)
FORWARD_MARKERS = (
    "forward", "weitergeleitet", "transféré", "reenviado", "inoltrat", "doorgestuurd",
    "encaminhad", "vidarebefordrat", "videresendt", "пересылаемое", "begin forwarded",
)  # fmt: skip
_FORWARD_SUBJECT = re.compile(r"(?:fwd?|wg|tr|rv|doorst|enc|i|vb)\s?:", re.IGNORECASE)

# Outlook's (and webmails') header blocks: "From:", "Sent:", "To:", "Subject:" lines.
_FROM = r"from|von|de|van|da|från|fra|od|от|lähettäjä|mittente"
_DATE = (
    r"sent|date|gesendet|datum|envoyé(?: le)?|envoye(?: le)?|enviado(?: el)?|enviada em"
    r"|fecha|verzonden|inviato|data|skickat|sendt|wysłano|отправлено|дата|lähetetty"
    r"|päivämäärä"
)
_TO = r"to|an|à|a|para|aan|till|til|do|кому|vastaanottaja|per|cc|kopie|копия"
_SUBJECT = r"subject|betreff|objet|asunto|onderwerp|assunto|oggetto|ämne|emne|temat|тема|aihe"
_LABEL = r"^\*?(?:{})\s?\*?\s?:\*?(?:\s|$)"
_FROM_LABEL = re.compile(_LABEL.format(_FROM), re.IGNORECASE)
_DATE_LABEL = re.compile(_LABEL.format(_DATE), re.IGNORECASE)
_TO_LABEL = re.compile(_LABEL.format(_TO), re.IGNORECASE)
_SUBJECT_LABEL = re.compile(_LABEL.format(_SUBJECT), re.IGNORECASE)
_DATE_INSIDE = re.compile(r"\s\*?(?:date|sent)\s?\*?\s?:\s", re.IGNORECASE)
_HEADER_WINDOW = 6

MOBILE_SIGNATURE = re.compile(
    r"(?:sent from my \w[\w ]{0,30}|sent from (?:mail|outlook) for \w+(?: \d+)?"
    r"|get outlook for \w+|sent from outlook(?: for \w+)?|sent from yahoo mail[\w ]{0,30}"
    r"|sent from samsung mobile|sent via the samsung galaxy[\w ,]{0,40}"
    r"|sent from (?:typeapp|acompli|bluemail|aquamail|proton mail[\w ]{0,20})"
    r"|enviado desde mi \w[\w ]{0,30}|enviado do meu \w[\w ]{0,30}"
    r"|von meinem \w[\w ]{0,30} gesendet|gesendet (?:von|mit) (?:outlook|meinem)[\w ]{0,30}"
    r"|envoyé de mon \w[\w ]{0,30}|envoyé (?:à partir )?de outlook(?: pour \w+)?"
    r"|obtenir outlook pour \w+|holen sie sich outlook für \w+"
    r"|verzonden (?:vanaf|met) mijn \w[\w ]{0,30}|inviato da(?:l mio)? \w[\w ]{0,30}"
    r"|skickat från min \w[\w ]{0,30}|отправлено с (?:моего )?\w[\w ]{0,30})"
    r"[.!]?(?:\s*<[^<>]{0,200}>)?",
    re.IGNORECASE,
)


def fold(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_INVISIBLE)).strip().lower()


def unquoted(line: str) -> str:
    """The line without its "> " prefixes."""
    return line.lstrip().lstrip(">").strip() if line.lstrip().startswith(">") else line.strip()


def attribution(lines: list[str], index: int, *, quotes_follow: bool) -> int:
    """How many lines (1 to 3) the attribution starting at `index` spans, or 0.

    An attribution wrapped over several lines is recognised only from its first line, so a
    sign-off directly above it ("Alex" / "On 26.06.2014 14:41, Alexander L wrote:") is never
    taken into it. `quotes_follow` says whether "> " lines come after the candidate.
    """
    first = lines[index].strip()
    if not first or len(first) > MAX_ATTRIBUTION or first.startswith(">"):
        return 0
    joined = first
    for span in range(1, _MAX_ATTRIBUTION_LINES + 1):
        if span > 1:
            line = lines[index + span - 1].strip() if index + span - 1 < len(lines) else ""
            if not line or line.startswith(">") or len(joined) > MAX_ATTRIBUTION:
                return 0
            if span == 2 and not _could_start(fold(first)):
                return 0
            joined = f"{joined} {line}"
        if joined[-1] in ":>-\uff1a" and _is_attribution(
            fold(joined), span, lines, index, quotes_follow
        ):
            return span
    return 0


# "reply On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:" (a client that joined the
# customer's last line and the attribution) and "bla--- On ... wrote:".
_EMBEDDED = re.compile(
    r"^(?P<head>.*?[^\s-])[\s-]+(?P<tail>(?:On|Am|Le|El|Il|Op|Em|Den|På|W dniu|Dnia|In data|Vào)"
    r" .{5,300}:)$"
)


def split_embedded(line: str, *, quotes_follow: bool) -> tuple[str, str] | None:
    """The customer's words and an attribution sharing one line, when "> " lines follow."""
    stripped = line.strip()
    if not quotes_follow or not stripped.endswith(":") or len(stripped) > MAX_ATTRIBUTION:
        return None
    if stripped.startswith(">"):
        return None
    match = _EMBEDDED.match(stripped)
    if match is None:
        return None
    tail = match.group("tail")
    if attribution([tail], 0, quotes_follow=True) and _OPENINGS.match(fold(tail)):
        return match.group("head"), tail
    return None


def _could_start(folded: str) -> bool:
    """Whether a line can be the first of an attribution wrapped over several lines."""
    return bool(
        folded.startswith("--")
        or _OPENINGS.match(folded)
        or _DATE_FIRST.match(folded)
        or _DATE_OR_ADDRESS.search(folded)
    )


def _is_attribution(
    folded: str, span: int, lines: list[str], index: int, quotes_follow: bool
) -> bool:
    # "---- John Smith wrote ----", "------On 12/29/1987 17:32 PM, Julius Caesar wrote-----"
    dashed = folded.startswith("--") or folded.endswith("--")
    core = folded.strip("- ")
    if dashed and not core.endswith(":"):
        core += ":"
    if not core.endswith((":", ">")):
        return False
    follows = quotes_follow or _quotes_after(lines, index + span)
    if _DATE_OR_ADDRESS.search(core):
        if core.endswith(":") and (_WROTE_AT_END.search(core) or _WROTE_BEFORE_NAME.search(core)):
            return bool(_OPENINGS.match(core)) or dashed or follows
        if _DATE_FIRST.match(core) and "@" in core:
            return follows
        if core.endswith(":") and follows and "@" in core and _YEAR_AND_TIME.match(core):
            return True
    return span == 1 and follows and bool(_BARE_WROTE.match(core))


def _quotes_after(lines: list[str], index: int) -> bool:
    for line in lines[index : index + 3]:
        if line.strip():
            return line.lstrip().startswith(">")
    return False


def quote_introduction(quoted: list[str]) -> bool:
    """Whether a block of "> " lines opens with an attribution, a separator or a header block
    (Apple Mail and Outlook put them inside the quote)."""
    inner = [unquoted(line) for line in quoted[:12]]
    filled = [index for index, line in enumerate(inner) if line]
    for index in filled[:3]:
        if SEPARATOR.fullmatch(inner[index]) or header_block(inner, index):
            return True
        if attribution(inner, index, quotes_follow=True):
            return True
    return False


def forward_line(line: str) -> bool:
    """A "---------- Forwarded message ---------" or "Begin forwarded message:" line."""
    text = unquoted(line).lower()
    if text.startswith("begin forwarded message"):
        return True
    return "--" in text and len(text) < 80 and any(marker in text for marker in FORWARD_MARKERS)


def forwarded(quoted: list[str]) -> bool:
    """A quoted block that is a forwarded message: the customer wants us to read it."""
    for line in quoted[:3]:
        if line.strip(" >"):
            return forward_line(line)
    return False


def header_block(lines: list[str], index: int) -> bool:
    """Whether an Outlook-style header block ("From:" / "Sent:" / "To:" / "Subject:", or a bare
    "Date:" / "To:" block as webmails write it) starts at `index`."""
    first = lines[index].strip().translate(_INVISIBLE)
    starts_with_from = bool(_FROM_LABEL.match(first))
    if not starts_with_from and not _DATE_LABEL.match(first):
        return False
    block = [first]
    for line in lines[index + 1 : index + _HEADER_WINDOW]:
        text = line.strip().translate(_INVISIBLE)
        if not text:
            if len(block) > 1:
                break
            continue
        if not (
            _FROM_LABEL.match(text)
            or _DATE_LABEL.match(text)
            or _TO_LABEL.match(text)
            or _SUBJECT_LABEL.match(text)
        ):
            # a wrapped address ("[mailto:" / "bob@example.com]") continues the line above
            if len(block) == 1 and "@" in text and len(text) < 80:
                continue
            break
        block.append(text)
    if len(block) == 1:
        return starts_with_from and bool(_DATE_INSIDE.search(first))
    has_from = any(_FROM_LABEL.match(line) for line in block)
    has_date = any(_DATE_LABEL.match(line) for line in block)
    has_subject = any(_SUBJECT_LABEL.match(line) for line in block)
    if not (has_from and has_date) and not ("@" in " ".join(block) or has_subject):
        return False  # "Date: Wednesday 3 / To: Paris" is an appointment, not a header
    if _forward_above(lines, index):
        return False  # a forwarded message is what the customer wants us to read
    for line in block:
        subject = _SUBJECT_LABEL.match(line)
        if subject:
            return not _FORWARD_SUBJECT.match(line[subject.end() :])
    return True


def _forward_above(lines: list[str], index: int) -> bool:
    for previous in range(index - 1, max(-1, index - 20), -1):
        text = lines[previous].strip()
        if text:
            return any(marker in text.lower() for marker in FORWARD_MARKERS)
    return False
