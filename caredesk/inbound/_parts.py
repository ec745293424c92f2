"""One MIME part at a time: its payload, text, filename and defects, read leniently."""

from __future__ import annotations

import contextlib
import io
import mimetypes
import re
from collections.abc import Callable
from email import errors, policy
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesParser
from typing import TypeVar

from caredesk.inbound._decode import (
    b64decode_lenient,
    clean_text,
    codec_for,
    decode_bytes,
    decode_words,
    one_line,
    raw_to_text,
)

_T = TypeVar("_T")


def _raw_header(name: str, value: str) -> str:
    return value


# policy.default, except that headers come back as the raw strings: we decode them ourselves
# with fallbacks the stdlib lacks, and its structured header parser would cost about a
# millisecond per message. refold_source="none" writes attached messages back out unchanged.
POLICY = policy.default.clone(header_factory=_raw_header, refold_source="none")
PARSER = BytesParser(policy=POLICY)
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset=[\"']?([A-Za-z0-9_.:-]{1,40})", re.I)
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f\x7f]+")
_EXTENSIONS = {
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "text/rfc822-headers": ".txt",
    "message/rfc822": ".eml",
    "message/delivery-status": ".txt",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "application/pdf": ".pdf",
    "application/octet-stream": ".bin",
    "application/ms-tnef": ".dat",
}


def raw_payload(part: Message) -> object:
    """The undecoded payload: a list of parts, or a str with raw 8-bit bytes as surrogates.

    Not `get_payload()`: for 8-bit text it re-decodes with the declared charset (losing the
    bytes) and raises TypeError when that charset is an RFC 2231 tuple.
    """
    return getattr(part, "_payload", None)


def headers_of(data: bytes) -> dict[str, str]:
    """The first value of each header in a returned message or header block."""
    msg = PARSER.parsebytes(data, headersonly=True)
    return {k.lower(): v for k, v in reversed(list(msg.raw_items())) if isinstance(v, str)}


def part_bytes(part: Message, defects: list[str] | None = None, where: str = "") -> bytes:
    """The decoded payload, tolerating cut-off base64 and 8-bit data without a declared encoding."""
    payload = raw_payload(part)
    if isinstance(payload, list):
        return b"".join(message_bytes(p) for p in payload if isinstance(p, Message))
    if not isinstance(payload, str):
        return b""
    cte = one_line(str(part.get("content-transfer-encoding", ""))).lower()
    if cte == "base64":
        data, complete = b64decode_lenient(payload.encode("ascii", "surrogateescape"))
        if not complete and defects is not None:
            defects.append(f"base64 data cut off{in_part(where)}; decoded what was there")
        return data
    decoded = part.get_payload(decode=True)
    return decoded if isinstance(decoded, bytes) else payload.encode("utf-8", "surrogateescape")


def in_part(where: str) -> str:
    return f" in part {where}" if where else ""


def part_text(part: Message, where: str = "", defects: list[str] | None = None) -> str:
    data = part_bytes(part, defects, where)
    declared = safe(part.get_content_charset)
    if declared is None and content_type(part) == "text/html":
        found = _META_CHARSET.search(data[:4096])
        declared = found.group(1).decode("ascii") if found else None
    text, used = decode_bytes(data, declared)
    if defects is not None and not data.isascii() and used != (codec_for(declared) or "utf-8"):
        defects.append(
            f"text{in_part(where)} declared {declared or 'no charset'}, decoded as {used}"
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\ufeff" in text:  # byte order marks that iOS leaves in the middle of quoted text
        text = text.replace("\ufeff", "")
    if safe(lambda: part.get_param("format")) == "flowed":
        text = unflow(text, safe(lambda: part.get_param("delsp")) == "yes")
    return text


def unflow(text: str, delsp: bool) -> str:
    """Join RFC 3676 soft line breaks, keeping quote depth, so paragraphs read as paragraphs."""
    out: list[list[str]] = []
    joining = False
    out_depth = 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        body = line[depth:]
        body = body[1:] if body.startswith(" ") else body  # space-stuffing
        flowed = body.endswith(" ") and body != "-- "
        if delsp and flowed:
            body = body[:-1]
        if joining and out and depth == out_depth:
            out[-1].append(body)
        else:
            out.append([body if not depth else ">" * depth + " " + body])
            out_depth = depth
        joining = flowed
    return "\n".join("".join(pieces) for pieces in out)


def message_bytes(msg: Message) -> bytes:
    buffer = io.BytesIO()
    # Regenerating a malformed message can fail part-way; keep what was written. The stubs tie
    # the generator to POLICY's message class; a parsed Message flattens just the same.
    with contextlib.suppress(Exception):
        BytesGenerator(buffer, mangle_from_=False, policy=POLICY).flatten(msg)  # type: ignore[arg-type]
    return buffer.getvalue()


def filename_of(part: Message) -> str:
    name = safe(part.get_filename)
    if not name:
        return ""
    return safe_filename(one_line(decode_words(raw_to_text(name))))


def safe_filename(name: str) -> str:
    """Just the last path component, no control characters, at most 200 characters."""
    name = _UNSAFE_FILENAME.sub("", clean_text(name)).replace("\\", "/")
    name = name.rsplit("/", 1)[-1].strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = stem[: 190 - len(ext)] + dot + ext if dot and len(ext) <= 10 else name[:200]
    return name


def generated_name(ctype: str, index: int) -> str:
    ext = _EXTENSIONS.get(ctype) or mimetypes.guess_extension(ctype, strict=False) or ".bin"
    stem = "image" if ctype.startswith("image/") else "attachment"
    return f"{stem}-{index}{ext}"


def content_type(part: Message) -> str:
    return safe(part.get_content_type) or "text/plain"


_DEFECTS = {
    errors.CloseBoundaryNotFoundDefect: "closing MIME boundary missing (message truncated?)",
    errors.StartBoundaryNotFoundDefect: "MIME boundary never found; the body was read as one part",
    errors.NoBoundaryInMultipartDefect: "multipart without a boundary; the body was read as text",
    errors.MissingHeaderBodySeparatorDefect: "header line without a colon; the rest became body",
    errors.FirstHeaderLineIsContinuationDefect: "first header line is a continuation line",
    errors.MisplacedEnvelopeHeaderDefect: "mbox 'From ' line among the headers",
    errors.MultipartInvariantViolationDefect: "multipart content type on a body that is not",
}


def describe_defects(part: Message, ctype: str, where: str) -> list[str]:
    described = []
    for defect in getattr(part, "defects", ()):
        name = type(defect).__name__.removesuffix("Defect")
        words = _DEFECTS.get(type(defect)) or _CAMEL.sub(" ", name).lower()
        detail = one_line(str(defect))
        label = f"{words}: {detail}" if detail and detail.lower() != words else words
        described.append(f"{label} (in part {where}, {ctype})" if where else label)
    return described


def safe(call: Callable[[], _T]) -> _T | None:
    """Message accessors parse header text and have raised on odd values in some versions."""
    try:
        return call()
    except Exception:
        return None
