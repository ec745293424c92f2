"""Tolerant decoding of header values and of bytes in a charset that may be declared wrongly.

Real mail lies about its charset, puts raw 8-bit bytes in headers, breaks RFC 2047 encoded words
in half and folds message ids in odd places. Everything here returns *something* readable and
never raises, so `parsing` can stay a simple walk over the MIME tree.
"""

from __future__ import annotations

import binascii
import codecs
import functools
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime

from caredesk.inbound.types import Address

# Mailers mislabel text often enough that a single declared charset is only a first guess.
_FALLBACKS = ("utf-8", "cp1252", "latin-1")
# Charsets that decode any byte sequence, so a wrongly declared one would never fail over.
_SINGLE_BYTE_WESTERN = frozenset({"ascii", "iso8859-1", "iso8859-15", "cp1252", "latin-1"})
# Names that mean "no idea" or that would turn bytes into something other than text.
_NOT_A_CHARSET = frozenset(
    {"", "unknown", "unknown-8bit", "x-unknown", "x-user-defined", "default", "8bit", "7bit"}
)
_UNSAFE_CODECS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "undefined", "idna", "punycode", "palmos"}
)
# Names real mailers send that Python spells differently or only knows as a smaller charset.
_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso-8859-8-i": "iso8859-8",
    "windows-874": "cp874",
    "x-sjis": "shift_jis",
    "utf8mb4": "utf-8",
}

MAX_HEADER = 65_536
_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,75})\?([bBqQ])\?([^?]*)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]+")
_BAD_TEXT = re.compile(r"[\x00\ud800-\udfff]")
_ID_TOKEN = re.compile(r"<([^<>]*)>|\([^()]*\)|[^\s<>(),;]+")
# The lookbehind makes a match start only where a run starts: without it, a long run with no
# "@" is rescanned from every position (quadratic time).
_ADDR_SPEC = re.compile(r"(?<![^\s@<>()\[\],;:\"'])[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+")
_ANGLE_ADDRESS = re.compile(r"<([^<>]*)>")
_WHITESPACE = re.compile(r"\s+")
_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_DELETE = bytes(b for b in range(256) if b not in _B64_ALPHABET)


@functools.lru_cache(maxsize=256)
def codec_for(charset: str | None) -> str | None:
    """Python's codec name for a declared charset, or None when it is unknown or unusable."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    if name in _NOT_A_CHARSET:
        return None
    name = _ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if info.name in _UNSAFE_CODECS or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode with the declared charset, then utf-8, cp1252 and latin-1 (which never fails).

    Returns the text and the codec that worked. A declared single-byte Western charset is tried
    after utf-8 when the bytes are valid utf-8, because that mislabel is far more common than
    Latin-1 text that happens to be valid utf-8.
    """
    codec = codec_for(declared)
    if codec is None or codec in _SINGLE_BYTE_WESTERN:
        if data.isascii():
            return data.decode("ascii"), codec or "ascii"
        order = ["utf-8", codec] if codec and codec != "ascii" else ["utf-8"]
    else:
        order = [codec]
    for name in dict.fromkeys((*order, *_FALLBACKS)):
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1"), "latin-1"  # pragma: no cover - latin-1 decodes every byte


def clean_text(text: str) -> str:
    """Drop NUL and lone surrogates: PostgreSQL and nh3 both refuse them."""
    if text.isascii() and "\x00" not in text:
        return text
    return _BAD_TEXT.sub("", text)


def raw_to_text(value: str) -> str:
    """Unfold a raw header value and recover raw 8-bit bytes the parser kept as surrogates.

    Absurdly long values keep their start and end (the root and the parent of a References
    chain), so the address and id parsers never chew on megabytes.
    """
    if len(value) > MAX_HEADER:
        value = value[: MAX_HEADER // 8] + " " + value[-(MAX_HEADER - MAX_HEADER // 8) :]
    value = _FOLD.sub("", value)
    if not value.isascii():
        data = value.encode("utf-8", "surrogateescape")
        value = decode_bytes(data)[0]
    return value


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words, leniently: adjacent words in one charset are joined as bytes
    first (mailers split multi-byte characters across words), undecodable words stay as they are.
    """
    if "=?" not in value:
        return value
    out: list[str] = []
    pending_charset: str | None = None
    pending = b""
    pos = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending_charset is not None:
            out.append(decode_bytes(pending, pending_charset)[0])
        pending, pending_charset = b"", None

    for match in _ENCODED_WORD.finditer(value):
        between = value[pos : match.start()]
        if not (pending_charset is not None and not between.strip()):
            flush()
            out.append(between)
        pos = match.end()
        charset = match.group(1).split("*", 1)[0]
        data = _decode_word_payload(match.group(2), match.group(3))
        if data is None:
            flush()
            out.append(match.group(0))
        elif pending_charset is not None and charset.lower() == pending_charset.lower():
            pending += data
        else:
            flush()
            pending_charset, pending = charset, data
    flush()
    out.append(value[pos:])
    return "".join(out)


def _decode_word_payload(encoding: str, text: str) -> bytes | None:
    data = text.encode("utf-8", "surrogateescape")
    try:
        if encoding in "qQ":
            return binascii.a2b_qp(data, header=True)
        return b64decode_lenient(data)[0]
    except (binascii.Error, ValueError):
        return None


def b64decode_lenient(data: bytes) -> tuple[bytes, bool]:
    """Base64 that ignores stray characters and a cut-off final group; also says whether the
    data was complete (a whole number of groups)."""
    cleaned = data.translate(None, _B64_DELETE)
    trimmed = data.rstrip(b" \t\r\n")
    padding = len(trimmed) - len(trimmed.rstrip(b"="))
    extra = len(cleaned) % 4
    if extra == 1:
        cleaned = cleaned[:-1]
    elif extra:
        cleaned += b"=" * (4 - extra)
    return binascii.a2b_base64(cleaned), (extra + padding) % 4 == 0


def one_line(value: str) -> str:
    """Control characters (CR/LF above all) become spaces: safe to reuse in a header."""
    return _CONTROL.sub(" ", value).strip()


def header_text(raw: str) -> str:
    """A raw header value as readable single-line text."""
    return one_line(decode_words(raw_to_text(raw)))


def parse_addresses(raw_values: Iterable[str]) -> tuple[Address, ...]:
    """Every mailbox in these header values, lower-cased and de-duplicated, names decoded."""
    found: dict[str, Address] = {}
    for raw in raw_values:
        text = _CONTROL.sub(" ", raw_to_text(raw))
        try:
            pairs = getaddresses([text])
        except Exception:  # the stdlib address parser has raised on odd input before
            pairs = []
        mailboxes = []
        for name, addr in pairs:
            address = _WHITESPACE.sub("", addr).strip("<>.").lower()
            if _ADDR_SPEC.fullmatch(address) and "?=" not in address:
                mailboxes.append(Address(address, one_line(decode_words(name))))
            elif address or name:
                mailboxes = []  # the parser lost its way (say, a ":" inside an encoded word)
                break
        for mailbox in mailboxes or _addresses_by_pattern(text):
            found.setdefault(mailbox.address, mailbox)
    return tuple(found.values())


def _addresses_by_pattern(text: str) -> list[Address]:
    """Fallback for headers the address parser cannot read: <angle> addresses with the text
    before each as its name, or failing that anything shaped like an address."""
    mailboxes = []
    start = 0
    for match in _ANGLE_ADDRESS.finditer(text):
        address = _WHITESPACE.sub("", match.group(1)).lower()
        if _ADDR_SPEC.fullmatch(address):
            name = text[start : match.start()].strip(" \t,;\"'")
            mailboxes.append(Address(address, one_line(decode_words(name))))
        start = match.end()
    if not mailboxes:
        for match in _ADDR_SPEC.finditer(text):
            mailboxes.append(Address(match.group(0).strip(".").lower(), ""))
    return mailboxes


def parse_ids(raw: str, *, single: bool = False) -> tuple[str, ...]:
    """Message ids without angle brackets, in order, ignoring comments and phrases around them.

    A bare token counts when it looks like an id (has an "@"), or when `single` is set and it is
    the first token (a Message-ID header from a careless mailer).
    """
    text = raw_to_text(raw)
    ids: dict[str, None] = {}
    for match in _ID_TOKEN.finditer(text):
        token = match.group(0)
        if match.group(1) is not None:
            candidate = _WHITESPACE.sub("", match.group(1)).strip("\"'")
        elif token.startswith("("):
            continue
        elif "@" in token or (single and not ids):
            candidate = token.strip("\"'")
        else:
            continue
        candidate = clean_text(candidate)
        if candidate and len(candidate) <= 998:
            ids.setdefault(candidate, None)
            if single:
                break
    return tuple(ids)


def parse_date(raw: str) -> datetime | None:
    try:
        value = parsedate_to_datetime(one_line(raw_to_text(raw)))
    except Exception:  # ValueError, TypeError, OverflowError, IndexError across versions
        return None
    if value.tzinfo is None:  # "-0000" means UTC with unknown local time (RFC 5322 3.3)
        value = value.replace(tzinfo=UTC)
    return value
