"""The body of an agent's reply as the customer receives it: what the agent wrote (formatted),
their signature, and the customer's previous message quoted below, as plain text and as HTML.

Pure: the caller looks up the message to quote and the mailbox's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caredesk.outbound.formatting import (
    formatted_html_fragment,
    formatted_plain,
    html_clean,
    html_document,
    plain_as_html,
    quoted_plain,
)

# The line above a quote, in the languages caredesk writes to customers in; the words mail
# clients use, so a customer's client (and our quote splitter) reads it as an attribution.
_DAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "de": ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."),
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
}
# Month names, space-separated (German "Sept." and French "août" are one word each).
_MONTHS = {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "de": "Jan. Feb. März Apr. Mai Juni Juli Aug. Sept. Okt. Nov. Dez.",
    "fr": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
    "es": "ene feb mar abr may jun jul ago sept oct nov dic",
}
_WROTE = {
    "en": "On {day} {date} {month} {year} at {time}, {name} wrote:",
    "de": "Am {day}, {date}. {month} {year} um {time} schrieb {name}:",
    "fr": "Le {day} {date} {month} {year} à {time}, {name} a écrit :",
    "es": "El {day}, {date} {month} {year} a las {time}, {name} escribió:",
}


@dataclass(frozen=True)
class Quoted:
    """The message a reply quotes: who wrote it, when (in the zone to show), and its text."""

    name: str
    at: datetime
    text: str


def attribution(*, quoted: Quoted, language: str) -> str:
    """ "On Tue 1 Dec 2026 at 14:05, Ana Lopez wrote:" in `language` where we have the words
    (English, German, French, Spanish), else in English."""
    lang = language.split("-")[0].lower()
    lang = lang if lang in _WROTE else "en"
    at = quoted.at
    return _WROTE[lang].format(
        day=_DAYS[lang][at.weekday()],
        date=at.day,
        month=_MONTHS[lang].split()[at.month - 1],
        year=at.year,
        time=at.strftime("%H:%M"),
        name=quoted.name,
    )


@dataclass(frozen=True)
class ReplyBody:
    text: str  # the plain-text part
    html: str  # the HTML part: a whole document, cleaned


def reply_body(
    *, text: str, signature: str = "", quoted: Quoted | None = None, language: str = "en"
) -> ReplyBody:
    """`text` (light Markdown, as the agent wrote it) with `signature` under the usual "-- "
    line and `quoted` below that: "> " lines in the text, a <blockquote> in the HTML."""
    text = text.replace("\r\n", "\n")  # a browser's form sends CRLF
    plain = [formatted_plain(text)]
    rich = [formatted_html_fragment(text)]
    if signature.strip():
        plain.append(f"-- \n{signature.strip()}")
        rich.append(f"<div>-- <br>{plain_as_html(signature.strip())}</div>")
    if quoted is not None and quoted.text.strip():
        line = attribution(quoted=quoted, language=language)
        plain.append(f"{line}\n{quoted_plain(quoted.text)}")
        rich.append(
            f"{plain_as_html(line)}\n"
            f'<blockquote type="cite">{plain_as_html(quoted.text)}</blockquote>'
        )
    return ReplyBody(text="\n\n".join(plain), html=html_document(html_clean("\n".join(rich))))
