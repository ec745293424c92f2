"""Raw email bytes to a `ParsedEmail`: pure, fast, and never raising on bad mail.

The MIME structure comes from the stdlib parser (`policy.default`, headers left raw: see
`_parts.POLICY`); headers, bodies and attachments are decoded leniently by `_decode` and
`_parts`, HTML is made safe by `_html`, and delivery reports are read by `_bounce`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, is_dataclass, replace
from email.message import Message
from typing import TypeVar

from caredesk.inbound import _bounce
from caredesk.inbound._decode import (
    clean_text,
    decode_bytes,
    header_text,
    one_line,
    parse_addresses,
    parse_date,
    parse_ids,
    raw_to_text,
)
from caredesk.inbound._html import (
    MAX_HTML,
    crude_text,
    html_to_text,
    sanitize_html,
    too_deeply_nested,
)
from caredesk.inbound._parts import (
    PARSER,
    content_type,
    describe_defects,
    filename_of,
    generated_name,
    headers_of,
    message_bytes,
    part_bytes,
    part_text,
    raw_payload,
    safe,
    safe_filename,
)
from caredesk.inbound.types import BounceReport, ParsedAttachment, ParsedEmail

_MAX_DEPTH = 40
_T = TypeVar("_T")
_MAX_PARTS = 2000


@dataclass
class _Walk:
    """What one pass over the MIME tree collects."""

    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    report: Message | None = None  # the multipart/report delivery-status part, if any
    returned_ids: list[str] = field(default_factory=list)  # Message-IDs of attached messages


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse raw RFC 5322 bytes. Never raises: problems are listed in `defects`."""
    if isinstance(raw, str):  # tolerate callers that already decoded
        raw = raw.encode("utf-8", "surrogateescape")
    try:
        parsed = _parse(bytes(raw))
    except Exception as exc:  # last resort: a stdlib bug or a case we never imagined
        try:
            parsed = _salvage(bytes(raw), exc)
        except Exception:
            parsed = _salvage(b"", exc)
    return _nul_free(parsed)


def _nul_free(value: _T) -> _T:
    """`value` with NUL removed from every string in it, however deep (PostgreSQL refuses NUL in
    text and JSON; stripping it here means no field added later can forget to)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value  # type: ignore[return-value]
    if isinstance(value, tuple):
        items = tuple(_nul_free(item) for item in value)
        changed = any(new is not old for new, old in zip(items, value, strict=True))
        return items if changed else value  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in fields(value):
            old = getattr(value, f.name)
            if (new := _nul_free(old)) is not old:
                changes[f.name] = new
        return replace(value, **changes) if changes else value
    return value


def _parse(raw: bytes) -> ParsedEmail:
    msg = PARSER.parsebytes(raw)
    items = [(name.strip(), value) for name, value in msg.raw_items() if isinstance(value, str)]
    first: dict[str, str] = {}
    for name, value in items:
        first.setdefault(name.lower(), value)

    def all_of(name: str) -> list[str]:
        return [value for key, value in items if key.lower() == name]

    walk = _Walk()
    if any(not value.isascii() for _, value in items):
        walk.defects.append("raw 8-bit bytes in headers (decoded as utf-8 or cp1252)")
    _walk(msg, walk)

    text = "\n\n".join(t for t in walk.texts if t.strip())
    html = "\n".join(walk.htmls)
    if len(html) > MAX_HTML:
        html = html[:MAX_HTML]
        walk.defects.append(f"HTML body longer than {MAX_HTML} characters was cut")
    safe_html = ""
    if html and too_deeply_nested(html):
        walk.defects.append("HTML nested too deeply to display; only its text is kept")
    elif html:
        try:
            safe_html = sanitize_html(html).strip()
        except Exception as exc:
            walk.defects.append(f"HTML could not be sanitised and was dropped ({exc!r:.100})")
    if not text.strip() and html:
        text = html_to_text(safe_html) if safe_html else crude_text(html)

    from_list = parse_addresses(all_of("from")[:1])
    subject = header_text(first.get("subject", ""))
    bounce: BounceReport | None = None
    if walk.report is not None:
        bounce = _bounce.from_blocks(_report_blocks(walk.report), walk.returned_ids)
    elif _bounce.looks_like_bounce(
        from_list[0].address if from_list else "", subject, first.get("return-path", "")
    ):
        bounce = _bounce.from_text(text, walk.returned_ids)

    return ParsedEmail(
        message_id=next(iter(parse_ids(first.get("message-id", ""), single=True)), ""),
        subject=subject,
        from_=from_list[0] if from_list else None,
        reply_to=parse_addresses(all_of("reply-to")),
        to=parse_addresses(all_of("to")),
        cc=parse_addresses(all_of("cc")),
        date=parse_date(first["date"]) if "date" in first else None,
        in_reply_to=parse_ids(" ".join(all_of("in-reply-to"))),
        references=parse_ids(" ".join(all_of("references"))),
        headers=tuple((clean_text(name), header_text(value)) for name, value in items),
        text=clean_text(text),
        html=clean_text(safe_html),
        attachments=tuple(walk.attachments),
        defects=tuple(dict.fromkeys(walk.defects)),
        bounce=bounce,
    )


def _walk(root: Message, walk: _Walk) -> None:
    # Iterative, with limits: a hostile message can nest thousands of multiparts.
    stack: list[tuple[Message, int, str]] = [(root, 0, "")]
    seen = 0
    while stack:
        part, depth, where = stack.pop()
        seen += 1
        if seen > _MAX_PARTS or depth > _MAX_DEPTH:
            walk.defects.append("too many or too deeply nested MIME parts; the rest was skipped")
            break
        ctype = content_type(part)
        payload = raw_payload(part)
        if ctype.startswith("multipart/") and isinstance(payload, list):
            if ctype == "multipart/report" and _is_delivery_status(part):
                walk.report = part
            children = [p for p in payload if isinstance(p, Message)]
            for index in range(len(children) - 1, -1, -1):
                stack.append((children[index], depth + 1, f"{where}.{index + 1}".lstrip(".")))
        else:
            try:
                _leaf(part, ctype, walk, where)
            except Exception as exc:  # one unreadable part must not cost the whole message
                walk.defects.append(f"part {where or 1} ({ctype}) could not be read: {exc!r:.100}")
        walk.defects.extend(describe_defects(part, ctype, where))


def _leaf(part: Message, ctype: str, walk: _Walk, where: str) -> None:
    disposition = safe(part.get_content_disposition) or ""
    filename = filename_of(part)
    if ctype.startswith("message/"):
        if ctype in ("message/rfc822", "message/global"):
            walk.attachments.append(_attached_message(part, filename, len(walk.attachments), walk))
        return  # delivery-status and the like are read by the bounce parser
    is_body = (
        disposition != "attachment"
        and not filename
        and (ctype in ("text/plain", "text/html") or ctype.startswith("multipart/"))
    )
    if is_body:
        text = part_text(part, where, walk.defects)
        (walk.htmls if ctype == "text/html" else walk.texts).append(text)
        return
    if ctype == "text/rfc822-headers":
        walk.returned_ids.extend(_returned_id(part_bytes(part)))
    content_id = one_line(raw_to_text(str(part.get("content-id", "")))).strip("<> ")
    walk.attachments.append(
        ParsedAttachment(
            filename=filename or generated_name(ctype, len(walk.attachments) + 1),
            content_type=ctype,
            payload=part_bytes(part, walk.defects, where),
            content_id=clean_text(content_id),
            inline=disposition == "inline" or (not disposition and bool(content_id)),
        )
    )


def _attached_message(part: Message, filename: str, index: int, walk: _Walk) -> ParsedAttachment:
    payload = raw_payload(part)
    inner = payload[0] if isinstance(payload, list) and payload else None
    if isinstance(inner, Message):
        data = message_bytes(inner)
        headers = {k.lower(): v for k, v in reversed(list(inner.raw_items())) if isinstance(v, str)}
    else:  # encoded message/rfc822, which is not allowed but happens
        data = part_bytes(part)
        headers = headers_of(data)
    walk.returned_ids.extend(parse_ids(headers.get("message-id", ""), single=True))
    if not filename:
        subject = header_text(headers.get("subject", ""))
        filename = safe_filename(subject[:120]) + ".eml" if subject else ""
    return ParsedAttachment(
        filename=filename or f"message-{index + 1}.eml",
        content_type="message/rfc822",
        payload=data,
        inline=False,
    )


def _returned_id(data: bytes) -> tuple[str, ...]:
    return parse_ids(headers_of(data).get("message-id", ""), single=True)


def _report_blocks(report: Message) -> list[_bounce.Block]:
    payload = raw_payload(report)
    for child in payload if isinstance(payload, list) else ():
        if not isinstance(child, Message):
            continue
        ctype = content_type(child)
        if ctype not in ("message/delivery-status", "message/global-delivery-status"):
            continue
        groups = raw_payload(child)
        if ctype == "message/delivery-status" and isinstance(groups, list):
            return [
                [(name, header_text(value)) for name, value in group.raw_items()]
                for group in groups
                if isinstance(group, Message)
            ]
        return _bounce.blocks_from_text(part_text(child))
    return []


def _is_delivery_status(part: Message) -> bool:
    value = safe(lambda: part.get_param("report-type"))
    return isinstance(value, str) and value.strip().lower() in (
        "delivery-status",
        "global-delivery-status",
    )


def _salvage(raw: bytes, exc: Exception) -> ParsedEmail:
    """Whatever can be read without the MIME parser, plus a defect saying why."""
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    headers: list[tuple[str, str]] = []
    for line in re.split(rb"\n(?![ \t])", head):
        name, colon, value = line.partition(b":")
        if colon and name.strip() and b" " not in name.strip():
            headers.append((decode_bytes(name.strip())[0], decode_bytes(value)[0]))
    lookup = {name.lower(): value for name, value in reversed(headers)}
    from_list = parse_addresses([lookup.get("from", "")])
    return ParsedEmail(
        message_id=next(iter(parse_ids(lookup.get("message-id", ""), single=True)), ""),
        subject=header_text(lookup.get("subject", "")),
        from_=from_list[0] if from_list else None,
        reply_to=(),
        to=parse_addresses([lookup.get("to", "")]),
        cc=(),
        date=None,
        in_reply_to=parse_ids(lookup.get("in-reply-to", "")),
        references=parse_ids(lookup.get("references", "")),
        headers=tuple((clean_text(n), header_text(v)) for n, v in headers),
        text=clean_text(decode_bytes(body)[0]),
        html="",
        defects=(f"could not parse the MIME structure ({type(exc).__name__}: {exc})"[:500],),
    )
