"""parse_email never raises: arbitrary bytes, and real fixtures truncated, corrupted and padded
with hostile header lines. Every result also keeps the promises later stages rely on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.inbound.classify import classify
from caredesk.inbound.parsing import parse_email
from caredesk.inbound.quoting import split_reply
from caredesk.inbound.types import Classification, ParsedEmail, SplitText

EML = Path(__file__).parents[1] / "fixtures" / "eml"
FIXTURES = {path.name: path.read_bytes() for path in sorted(EML.glob("*.eml"))}
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEADER_NAMES = st.sampled_from(
    [
        "From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To",
        "References", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
        "MIME-Version", "Auto-Submitted", "Precedence", "List-Id", "Return-Path", "X-Whatever",
    ]
)  # fmt: skip
HEADER_VALUES = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        [
            "multipart/mixed; boundary=", 'multipart/mixed; boundary="x"', "multipart/report; "
            "report-type=delivery-status; boundary=z", "message/rfc822", "message/delivery-status",
            "text/html; charset=x-unknown", "text/plain; charset*=utf-8''%ff", "base64",
            "quoted-printable", "=?utf-8?b?====?=", "=?utf-8?q?=ZZ?=", "=?", "?=", "<<<>>>",
            "<a@b> <c@d", "(((", '"', "\\", "attachment; filename*0*=x; filename*1=y",
            "undisclosed-recipients:;", "Mon, 32 Foo 99999 99:99:99 +9999", "\x00\x01\x7f",
        ]
    ),
)  # fmt: skip


def header_line(name: str, value: str) -> bytes:
    return f"{name}: {value}\r\n".encode("utf-8", "surrogatepass")


def check(parsed: ParsedEmail) -> None:
    assert isinstance(parsed, ParsedEmail)
    # The last-resort salvage path hides a bug (ours or the stdlib's) worth knowing about.
    assert not any(d.startswith("could not parse the MIME") for d in parsed.defects), parsed.defects
    texts = replace(parsed, attachments=tuple(replace(a, payload=b"") for a in parsed.attachments))
    assert "\\x00" not in repr(texts), "NUL anywhere stored as text (headers, defects, names)"
    for text in (parsed.text, parsed.html, parsed.subject):
        text.encode("utf-8")  # no lone surrogates: the database and templates need real text
    assert "\n" not in parsed.subject and "\r" not in parsed.subject
    assert "<script" not in parsed.html.lower()
    assert parsed.date is None or parsed.date.tzinfo is not None
    for mid in (parsed.message_id, *parsed.in_reply_to, *parsed.references):
        assert not any(ch.isspace() for ch in mid)
    addresses = [*parsed.to, *parsed.cc, *parsed.reply_to]
    if parsed.from_ is not None:
        addresses.append(parsed.from_)
    for address in addresses:
        assert "@" in address.address and address.address == address.address.lower()
        assert "\n" not in address.name
    for attachment in parsed.attachments:
        assert attachment.filename and "/" not in attachment.filename
        assert isinstance(attachment.payload, bytes)
    assert isinstance(classify(parsed), Classification)
    split = split_reply(parsed.text)
    assert isinstance(split, SplitText)
    if parsed.text.strip():
        assert split.new.strip()


@FUZZ
@given(st.binary(max_size=4000))
def test_arbitrary_bytes(raw: bytes) -> None:
    check(parse_email(raw))


@FUZZ
@given(
    st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=12),
    st.binary(max_size=500),
)
def test_random_headers_and_body(headers: list[tuple[str, str]], body: bytes) -> None:
    raw = b"".join(header_line(n, v) for n, v in headers) + b"\r\n" + body
    check(parse_email(raw))


@FUZZ
@given(st.sampled_from(sorted(FIXTURES)), st.data())
def test_truncated_fixtures(name: str, data: st.DataObject) -> None:
    raw = FIXTURES[name]
    cut = data.draw(st.integers(min_value=0, max_value=len(raw)))
    check(parse_email(raw[:cut]))


@FUZZ
@given(
    st.sampled_from(sorted(FIXTURES)),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=20),
)
def test_fixtures_with_flipped_bytes(name: str, flips: list[tuple[float, int]]) -> None:
    raw = bytearray(FIXTURES[name])
    for where, value in flips:
        raw[int(where * len(raw))] = value
    check(parse_email(bytes(raw)))


@FUZZ
@given(
    st.sampled_from(sorted(FIXTURES)),
    st.lists(
        st.tuples(st.floats(0, 1), HEADER_NAMES, HEADER_VALUES),
        min_size=1,
        max_size=6,
    ),
)
def test_fixtures_with_inserted_header_lines(
    name: str, inserts: list[tuple[float, str, str]]
) -> None:
    lines = FIXTURES[name].splitlines(keepends=True)
    for where, header, value in inserts:
        lines.insert(int(where * len(lines)), header_line(header, value))
    check(parse_email(b"".join(lines)))


@FUZZ
@given(st.sampled_from(sorted(FIXTURES)), st.binary(min_size=1, max_size=200), st.data())
def test_fixtures_with_inserted_garbage(name: str, garbage: bytes, data: st.DataObject) -> None:
    raw = FIXTURES[name]
    at = data.draw(st.integers(min_value=0, max_value=len(raw)))
    check(parse_email(raw[:at] + garbage + raw[at:]))
