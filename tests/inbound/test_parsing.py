"""parse_email on real-world-shaped messages: one test per fixture, then the awkward corners."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from caredesk.inbound import _parts
from caredesk.inbound.parsing import parse_email
from caredesk.inbound.types import Address, BounceReport, ParsedEmail

EML = Path(__file__).parents[1] / "fixtures" / "eml"


def parse(name: str) -> ParsedEmail:
    return parse_email((EML / name).read_bytes())


def test_gmail_reply() -> None:
    p = parse("gmail-reply-quoted.eml")
    assert p.message_id == "CAF3x+9nR2kq8Yw1Lm4v5ZpQ7sT0uW@mail.example.net"
    assert p.subject == "Re: [#1041] Password reset link expired"
    assert p.from_ == Address("juergen.mueller@example.net", "Jürgen Müller")
    assert p.to == (Address("support@example.com", "Caredesk Support"),)
    assert p.in_reply_to == ("caredesk.1041.7f3a9c@example.com",)
    assert p.references == ("caredesk.1041.7f3a9c@example.com",)
    assert p.date == datetime(2025, 3, 3, 10, 13, 55, tzinfo=UTC)
    assert p.text.startswith("Hi,\n\nI tried that but the reset link still says it has expired.")
    assert "> Thanks for writing in." in p.text
    assert 'class="gmail_quote"' not in p.html  # classes are dropped, the structure stays
    assert "<blockquote" in p.html
    assert p.attachments == ()
    assert p.defects == ()
    assert p.bounce is None


def test_headers_are_decoded_and_in_order() -> None:
    p = parse("gmail-reply-quoted.eml")
    names = [name for name, _ in p.headers]
    assert names[:3] == ["Delivered-To", "Received", "X-Received"]
    assert p.header("from") == "Jürgen Müller <Juergen.Mueller@Example.NET>"
    # Unfolded as RFC 5322 says: the line breaks go, the indentation stays.
    dkim = p.header("DKIM-Signature")
    assert dkim.startswith("v=1; a=rsa-sha256; c=relaxed/relaxed;        d=example.net;")
    assert "\n" not in dkim and "\r" not in dkim
    assert p.header("X-Not-There") == ""


def test_outlook_reply_without_references() -> None:
    p = parse("outlook-reply-rewritten-headers.eml")
    assert p.subject == "RE: [#1042] Refund for order 7731"
    assert p.in_reply_to == ("caredesk.1042.b81e22@example.com",)
    assert p.references == ()
    assert p.thread_ids == ("caredesk.1042.b81e22@example.com",)
    assert p.header("Thread-Index") == "AQHbiS3k5Q2Qx7YmS0uVv1e3n4l0ULNdGmCA"
    assert p.from_ == Address("priya.sharma@example.org", "Priya Sharma")
    assert p.text.startswith("Hello,\n\nThe refund still hasn't arrived.")
    # Word's HTML: styles, conditional comments and <o:p> are gone, paragraphs stay.
    assert "<style" not in p.html and "MsoNormal" not in p.html and "mso" not in p.html
    assert "<p>Priya Sharma</p>" in p.html


def test_apple_mail_reply() -> None:
    p = parse("apple-mail-reply.eml")
    assert p.message_id == "5E6F7A8B-9C0D-4E1F-A2B3-C4D5E6F7A8B9@example.net"
    assert p.cc == (Address("luc@example.net", "Luc Laurent"),)
    assert p.references == ("caredesk.1043.a00001@example.com", "caredesk.1043.c91f00@example.com")
    assert p.thread_ids == ("caredesk.1043.c91f00@example.com", "caredesk.1043.a00001@example.com")
    assert p.header("Mime-Version") == "1.0 (Mac OS X Mail 16.0 \\(3826.400.131.1.6\\))"
    assert "can I schedule it to run every Monday morning?" in p.text
    assert "> The CSV export is fixed in today\u2019s release." in p.text


def test_thunderbird_flowed_text_is_joined() -> None:
    p = parse("thunderbird-reply.eml")
    assert p.from_ == Address("anna.svensson@example.org", "Anna Svensson")
    # format=flowed soft breaks are joined, the quote and the "-- " delimiter survive.
    assert "Göteborg. Please use it for all invoices from March on." in p.text
    assert "\n> Could you send us the new invoice address?\n" in p.text
    assert "\n-- \nAnna Svensson" in p.text
    assert p.html == ""


def test_iphone_reply_drops_byte_order_marks() -> None:
    p = parse("iphone-mobile-reply.eml")
    assert p.subject == "Re: [#1045] App crashes on start"
    assert p.text.startswith("Yes that worked, thanks!\n\nSent from my iPhone\n\n> On 3 Mar 2025")
    assert "\ufeff" not in p.text
    assert "<blockquote>" in p.html


def test_german_outlook_latin1_quoted_printable() -> None:
    p = parse("german-outlook-reply.eml")
    assert p.subject == "AW: [#1046] Export schlägt fehl"
    assert p.header("Thread-Topic") == "[#1046] Export schlägt fehl"
    assert p.from_ == Address("klaus.weiss@example.org", "Klaus Weiß")
    assert "Mit freundlichen Grüßen\nKlaus Weiß" in p.text
    assert "Gesendet: Montag, 3. März 2025 10:00" in p.text
    assert p.defects == ()


def test_french_gmail_base64_body() -> None:
    p = parse("french-gmail-reply.eml")
    assert p.subject == "Re: [#1047] Impossible de me connecter à mon compte"
    assert p.from_ == Address("elodie.faure@example.net", "Élodie Faure")
    assert "le problème est résolu" in p.text
    assert "a écrit\u00a0:" in p.text


def test_wrong_charset_declared_falls_back_to_cp1252() -> None:
    p = parse("wrong-charset-declared.eml")
    assert p.text.startswith("Grüße,\n\nich möchte mein Passwort zurücksetzen")
    assert "Straße: Hauptstraße 5, Preis 12 €" in p.text
    assert p.subject == "Kontaktformular: Passwort zurücksetzen"
    assert p.reply_to == (Address("sabine.krueger@example.net", "Sabine Krüger"),)
    assert "text declared utf-8, decoded as cp1252" in p.defects
    assert any("8-bit bytes in headers" in d for d in p.defects)


def test_no_charset_8bit_body() -> None:
    p = parse("no-charset-8bit.eml")
    assert "Kortläsaren fungerar inte – jag har försökt tre gånger." in p.text
    assert "Name: Björn Ångström" in p.text
    # Undeclared utf-8 is the normal case today, not worth a defect.
    assert p.defects == ()


def test_missing_headers() -> None:
    p = parse("missing-headers.eml")
    assert p.message_id == ""
    assert p.from_ is None
    assert p.date is None
    assert p.subject == "order status"
    assert p.text == "hello i never got my order, number 55102. please check\n"


def test_truncated_mime_keeps_text_and_partial_attachment() -> None:
    p = parse("truncated-mime.eml")
    assert p.text.startswith("Hello, please find the signed contract attached.")
    assert "Li Wei" in p.text
    [pdf] = p.attachments
    assert pdf.filename == "contract-signed.pdf"
    assert pdf.content_type == "application/pdf"
    assert pdf.payload.startswith(b"%PDF-1.4\n1 0 obj")
    assert 0 < pdf.size < 2400  # about half of the original survived
    assert "closing MIME boundary missing (message truncated?)" in p.defects
    assert "base64 data cut off in part 2; decoded what was there" in p.defects


def test_raw_8bit_headers() -> None:
    p = parse("8bit-raw-headers.eml")
    assert p.subject == "Rückerstattung für Bestellung 4711 – dringend"  # utf-8 bytes
    assert p.from_ == Address("renee.dubois@example.org", "Renée Dubois")  # cp1252 bytes
    assert p.header("Subject") == p.subject
    assert "raw 8-bit bytes in headers (decoded as utf-8 or cp1252)" in p.defects


def test_rfc2047_subject_split_mid_character_and_rfc2231_filenames() -> None:
    p = parse("rfc2047-subject-and-rfc2231-filename.eml")
    assert p.subject == "Re: [#1048] Résumé und Rechnung für März – 日本語"
    assert p.from_ == Address("francois.lefevre@example.net", "François Lefèvre")
    assert p.to == (
        Address("support@example.com", "Caredesk Support"),
        Address("asa.nilsson@example.com", "Åsa Nilsson"),
    )
    names = [(a.filename, a.content_type, a.size) for a in p.attachments]
    assert names == [
        ("Résumé François.pdf", "application/pdf", 300),  # RFC 2231 filename*=
        ("Rechnung März 2025.pdf", "application/pdf", 200),  # RFC 2047 in a quoted parameter
        ("Kostenübersicht für März.csv", "text/csv", 25),  # RFC 2231 continuations, latin-1
    ]
    assert p.attachments[2].payload == b"Posten;Betrag\r\nMiete;1200"
    assert p.text == "Bonjour, voici mon CV et la facture de mars.\n"


def test_html_only_derives_text() -> None:
    p = parse("html-only.eml")
    assert p.from_ == Address("oliver.brown@example.net", "Brown, Oliver")
    assert p.text == (
        "Hi team,\n\nThe SMS codes still don\u2019t arrive. What I tried:\n\n"
        "- restarting the phone\n- re-adding the number +44 20 7946 0000\n\n"
        "Thanks,\nOliver\n\n"
        "On Mon, 3 Mar 2025 at 17:00, Caredesk Support <support@example.com> wrote:\n\n"
        "> Hello Oliver,\n>\n> Could you check that your number is correct?"
    )
    assert "Re: Two-factor codes" not in p.text  # <title> is not content
    assert "font-family" not in p.text
    assert p.html.startswith("<p>Hi team,</p>")


def test_html_with_script_is_sanitised() -> None:
    p = parse("html-with-script-xss.eml")
    html = p.html.lower()
    for forbidden in (
        "<script",
        "document.cookie",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "data:text/html",
        "<iframe",
        "<form",
        "<input",
        "<style",
        "<svg",
        "<object",
        "http-equiv",
        "position:fixed",
        "background-image",
        "evil.example.org",
    ):
        assert forbidden not in html, forbidden
    assert "<p>Please <b>help</b>, my account is locked.</p>" in p.html
    # Remote images stay for the UI to block; safe links stay, with rel set.
    assert '<img src="https://tracker.example.org/pixel.gif"' in p.html
    assert 'href="https://example.org/help" rel="noopener noreferrer nofollow"' in p.html
    assert "color:red" in p.html
    assert "fetch(" not in p.text and "alert" not in p.text
    assert "Please help, my account is locked." in p.text


def test_inline_images_with_content_id() -> None:
    p = parse("inline-image-cid.eml")
    shot, logo = p.attachments
    assert (shot.filename, shot.content_type, shot.inline) == ("image001.png", "image/png", True)
    assert shot.content_id == "image001.png@01DB8C2E.5A1B2C30"
    assert shot.payload.startswith(b"\x89PNG\r\n\x1a\n")
    assert (logo.filename, logo.content_id, logo.inline) == (
        "image-2.png",
        "logo-7f3e@example.org",
        True,
    )
    assert 'src="cid:image001.png@01DB8C2E.5A1B2C30"' in p.html
    assert "[cid:image001.png@01DB8C2E.5A1B2C30]" in p.text


def big_message(size: int) -> tuple[bytes, bytes]:
    """A customer's log archive, built here rather than committed: ~1.35x size on the wire."""
    msg = EmailMessage()
    msg["From"] = "Noor Haddad <noor@example.net>"
    msg["To"] = "support@example.com"
    msg["Subject"] = "Logs from the crash"
    msg["Message-ID"] = "<huge-attachment@example.net>"
    msg.set_content("Logs attached, sorry they are big.\n")
    data = os.urandom(size)
    msg.add_attachment(data, maintype="application", subtype="zip", filename="logs-2025-03-04.zip")
    return msg.as_bytes(policy=policy.SMTP), data


def test_huge_attachment() -> None:
    raw, data = big_message(5 * 1024 * 1024)
    assert len(raw) > 6_500_000
    p = parse_email(raw)
    [zipped] = p.attachments
    assert zipped.filename == "logs-2025-03-04.zip"
    assert zipped.content_type == "application/zip"
    assert zipped.size == 5 * 1024 * 1024
    assert zipped.payload == data
    assert p.text == "Logs attached, sorry they are big.\n"
    assert p.defects == ()


def test_dsn_bounce() -> None:
    p = parse("dsn-bounce-5.1.1.eml")
    assert p.bounce == BounceReport(
        original_message_id="caredesk.42.abc123@example.com",
        recipients=("nobody@example.org",),
        status="5.1.1",
        diagnostic=(
            "550 5.1.1 <nobody@example.org>: Recipient address rejected: "
            "User unknown in virtual mailbox table"
        ),
        permanent=True,
    )
    assert p.from_ == Address("mailer-daemon@mx.example.com", "Mail Delivery System")
    assert p.text.startswith("This is the mail system at host mx.example.com.")
    [returned] = p.attachments
    assert returned.filename == "[#42] We received your request.eml"
    assert returned.content_type == "message/rfc822"
    assert b"Message-ID: <caredesk.42.abc123@example.com>" in returned.payload
    assert parse_email(returned.payload).message_id == "caredesk.42.abc123@example.com"


def test_qmail_bounce_best_effort() -> None:
    p = parse("qmail-bounce.eml")
    assert p.bounce == BounceReport(
        original_message_id="caredesk.7.def456@example.com",
        recipients=("gone@example.org",),
        status="5.1.1",
        diagnostic="Sorry, no mailbox here by that name. (#5.1.1)",
        permanent=True,
    )
    assert p.message_id == ""


def test_forwarded_message_becomes_eml_attachment() -> None:
    p = parse("forwarded-message-rfc822.eml")
    [forwarded] = p.attachments
    assert forwarded.filename == "Your order 7731 has shipped.eml"
    assert forwarded.content_type == "message/rfc822"
    inner = parse_email(forwarded.payload)
    assert inner.message_id == "order-7731-shipped@shop.example.net"
    assert "Tracking number: EX123456789." in inner.text
    assert p.text.startswith("Hello, I got the message below")
    assert "Tracking number" not in p.text
    assert p.bounce is None


def test_multiple_in_reply_to_and_messy_references() -> None:
    p = parse("multiple-in-reply-to.eml")
    assert p.message_id == "ravi-reply-3@example.net"
    assert p.in_reply_to == ("caredesk.1053.4e5f60@example.com", "caredesk.1053.5f6071@example.com")
    assert p.references == (
        "first-1053@example.net",
        "caredesk.1053.4e5f60@example.com",
        "missing-bracket-1053@example.net",
        "caredesk.1053.5f6071@example.com",
    )
    assert p.from_ == Address("ravi.patel@example.net", "Ravi Patel")
    assert p.to == (
        Address("support@example.com", ""),
        Address("billing@example.com", "Billing, Team"),
    )
    assert p.cc == ()


@pytest.mark.parametrize(
    "name", ["out-of-office-auto-submitted.eml", "mailing-list-bulk.eml", "exchange-auto-reply.eml"]
)
def test_automated_mail_is_parsed_like_any_other(name: str) -> None:
    p = parse(name)
    assert p.message_id and p.from_ is not None and p.text.strip()
    assert p.bounce is None


def test_newsletter_emoji_subject() -> None:
    p = parse("newsletter-precedence-bulk.eml")
    assert p.subject == "Your March update \U0001f389"
    assert p.text == "March update: new dashboards, faster exports.\n"


@pytest.mark.parametrize("name", sorted(path.name for path in EML.glob("*.eml")))
def test_line_endings_do_not_matter(name: str) -> None:
    raw = (EML / name).read_bytes()
    lf, crlf = raw.replace(b"\r\n", b"\n"), raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    a, b = parse_email(lf), parse_email(crlf)
    assert (a.message_id, a.subject, a.from_, a.text, a.references) == (
        b.message_id,
        b.subject,
        b.from_,
        b.text,
        b.references,
    )
    assert [x.filename for x in a.attachments] == [x.filename for x in b.attachments]
    assert a.bounce == b.bounce


def message(headers: str, body: str = "Hello\n") -> bytes:
    return (headers.strip("\n") + "\n\n" + body).encode("utf-8", "surrogateescape")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("From: <<<>>>", None),
        ("From: ;;;,,,", None),
        ("From: undisclosed-recipients:;", None),
        ("From: Someone", None),
        ("From: JOE@EXAMPLE.ORG", Address("joe@example.org", "")),
        ('From: "Doe, Jane" <Jane@Example.org>', Address("jane@example.org", "Doe, Jane")),
        ("From: jane@example.org (Jane Doe)", Address("jane@example.org", "Jane Doe")),
        ('From: "unterminated <jane@example.org>', Address("jane@example.org", "unterminated")),
        ("From: Jane <jane@example.org", Address("jane@example.org", "Jane")),
        (
            'From: "=?utf-8?Q?Zo=C3=AB?=" <zoe@example.org>',  # encoded word inside quotes
            Address("zoe@example.org", "Zoë"),
        ),
        (
            "From: =?utf-8?B?5bGx55Sw5aSq6YOO?= <taro@example.org>",
            Address("taro@example.org", "山田太郎"),
        ),
        (
            "From: =?x-unknown-charset?Q?Ren=E9e?= <renee@example.org>",  # unknown charset
            Address("renee@example.org", "Renée"),
        ),
        (
            "From: =?utf-8?Q?Evil=0D=0ABcc:_x@example.org?= <e@example.org>",  # header injection
            Address("e@example.org", "Evil Bcc: x@example.org"),
        ),
    ],
)
def test_address_headers(header: str, expected: Address | None) -> None:
    assert parse_email(message(header)).from_ == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Message-ID: <abc@example.org>", "abc@example.org"),
        ("Message-ID:   < abc@example.org >  ", "abc@example.org"),
        ("Message-ID: abc@example.org", "abc@example.org"),
        ("Message-ID: 1234.5678", "1234.5678"),
        ("Message-ID: <abc@example.org> (comment)", "abc@example.org"),
        ("Message-ID: (comment) <abc@example.org>", "abc@example.org"),
        ("Message-ID: <abc@\n example.org>", "abc@example.org"),
        ("Message-ID: <>", ""),
        ("Message-ID:", ""),
    ],
)
def test_message_id(header: str, expected: str) -> None:
    assert parse_email(message(header)).message_id == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Date: Mon, 3 Mar 2025 10:00:00 +0100", datetime(2025, 3, 3, 9, 0, tzinfo=UTC)),
        ("Date: 3 Mar 2025 10:00:00 -0000", datetime(2025, 3, 3, 10, 0, tzinfo=UTC)),
        ("Date: Mon, 03 Mar 2025 10:00:00 GMT", datetime(2025, 3, 3, 10, 0, tzinfo=UTC)),
        ("Date: Monday, March 3rd", None),
        ("Date: Mon, 3 Mar 2025 10:00:00 +9999", None),
        ("Date: Mon, 3 Mar 99999 10:00:00 +0000", None),
        ("Date:", None),
    ],
)
def test_dates(header: str, expected: datetime | None) -> None:
    value = parse_email(message(header)).date
    assert value == expected
    assert value is None or value.tzinfo is not None


def test_date_keeps_its_offset() -> None:
    value = parse_email(message("Date: Tue, 4 Mar 2025 16:00:00 +0530")).date
    assert value is not None and value.utcoffset() == timedelta(hours=5, minutes=30)
    assert value.tzinfo == timezone(timedelta(hours=5, minutes=30))


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("=?utf-8?q?caf=C3=A9?=", "café"),
        ("=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab"),  # whitespace between encoded words goes
        ("=?UTF-8?Q?a?= plain =?UTF-8?Q?b?=", "a plain b"),
        ("=?utf-8?Q?Hello World?=", "Hello World"),  # illegal space inside the word
        ("=?iso-8859-1?q?caf=C3=A9?=", "café"),  # utf-8 bytes labelled latin-1
        ("=?utf-8?q?caf=E9?=", "café"),  # latin-1 bytes labelled utf-8
        ("=?utf-8?b?Y2Fmw6k?=", "café"),  # missing base64 padding
        ("=?utf-8?b?!!!?=", ""),
        ("=?utf-8*en?q?hello?=", "hello"),  # RFC 2231 language tag
        ("=?utf-8?x?nonsense?=", "=?utf-8?x?nonsense?="),
        ("Re: =?utf-8?q?=", "Re: =?utf-8?q?="),
        ("line one\n two", "line one two"),
    ],
)
def test_subjects(subject: str, expected: str) -> None:
    assert parse_email(message(f"Subject: {subject}")).subject == expected


@pytest.mark.parametrize(
    ("charset", "body", "expected", "defect"),
    [
        ("utf-8", "Grüße".encode(), "Grüße", None),
        ("iso-8859-1", "Grüße".encode("latin-1"), "Grüße", None),
        ("iso-8859-1", "Grüße".encode(), "Grüße", "declared iso-8859-1, decoded as utf-8"),
        ("us-ascii", "Grüße".encode(), "Grüße", "declared us-ascii, decoded as utf-8"),
        ("x-nonsense", "Grüße".encode("cp1252"), "Grüße", "decoded as cp1252"),
        ("utf-8", b"\x81\x8d\xe9", "\x81\x8d\xe9", "decoded as latin-1"),
        ("shift_jis", "日本語".encode("shift_jis"), "日本語", None),
        ("base64", b"caf\xc3\xa9", "café", None),  # a codec, but not a text encoding
        ("unicode_escape", b"\\u0041", "\\u0041", None),
    ],
)
def test_body_charsets(charset: str, body: bytes, expected: str, defect: str | None) -> None:
    raw = f"Subject: x\nContent-Type: text/plain; charset={charset}\n\n".encode() + body
    p = parse_email(raw)
    assert p.text == expected
    if defect:
        assert any(defect in d for d in p.defects), p.defects


def test_cut_off_base64_text_part() -> None:
    encoded = base64.b64encode("Der Export bricht nach 10 Zeilen ab. Grüße".encode()).decode()
    raw = (
        "Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b\n\n"
        f"--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        f"{encoded[:41]}"
    ).encode()
    p = parse_email(raw)
    assert p.text.startswith("Der Export bricht nach 10 Ze")
    assert "closing MIME boundary missing (message truncated?)" in p.defects
    assert "base64 data cut off in part 1; decoded what was there" in p.defects


def test_html_meta_charset_is_used_when_mime_says_nothing() -> None:
    body = '<html><head><meta charset="windows-1252"></head><body>Caf\xe9</body></html>'
    raw = b"Subject: x\nContent-Type: text/html\n\n" + body.encode("cp1252")
    assert parse_email(raw).text == "Café"


def test_parts_without_filenames_get_generated_names() -> None:
    raw = b"""Subject: x
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

Invite attached.
--b
Content-Type: text/calendar; method=REQUEST

BEGIN:VCALENDAR
END:VCALENDAR
--b
Content-Type: application/octet-stream

xyz
--b
Content-Type: message/rfc822

Subject:

no subject here
--b
Content-Type: application/pdf
Content-Disposition: attachment; filename="../../etc/passwd"

pdf
--b--
"""
    p = parse_email(raw)
    names = [a.filename for a in p.attachments]
    assert names == ["attachment-1.ics", "attachment-2.bin", "message-3.eml", "passwd"]
    assert p.text == "Invite attached."


def test_multipart_without_boundary_is_read_as_text() -> None:
    raw = b"Subject: x\nContent-Type: multipart/mixed\n\nJust text, really.\n"
    p = parse_email(raw)
    assert p.text == "Just text, really.\n"
    assert any("without a boundary" in d for d in p.defects)


def test_deeply_nested_multiparts_are_cut_off_not_crashing() -> None:
    depth = 300
    head = "".join(
        f"Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n" for i in range(depth)
    )
    raw = ("Subject: nested\n" + head + "Content-Type: text/plain\n\ndeep\n").encode()
    p = parse_email(raw)
    assert isinstance(p, ParsedEmail)
    assert p.subject == "nested"


def test_nul_bytes_never_reach_the_text() -> None:
    raw = b"Subject: a\x00b\nFrom: x@example.org\n\nhello\x00world\n"
    p = parse_email(raw)
    assert "\x00" not in p.text and "\x00" not in p.subject
    assert p.text == "helloworld\n"


def test_salvage_when_the_mime_parser_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(_parts.PARSER, "parsebytes", explode)
    p = parse_email(
        b"Subject: still here\nMessage-ID: <s@example.org>\nFrom: a@example.org\n\nbody"
    )
    assert p.subject == "still here"
    assert p.message_id == "s@example.org"
    assert p.from_ == Address("a@example.org", "")
    assert p.text == "body"
    assert p.defects == ("could not parse the MIME structure (RuntimeError: boom)",)


@pytest.mark.parametrize("raw", [b"", b"\n", b"\r\n\r\n", b"garbage", b"\xff\xfe\x00"])
def test_degenerate_input(raw: bytes) -> None:
    p = parse_email(raw)
    assert isinstance(p, ParsedEmail)
    assert p.message_id == "" and p.from_ is None


def test_dsn_with_returned_headers_only_and_mixed_actions() -> None:
    """Exchange-style: text/rfc822-headers instead of the whole message, one recipient only
    delayed. Only the failed one counts."""
    raw = b"""From: postmaster@example.org
To: support@example.com
Subject: Undeliverable: [#9] Your refund
MIME-Version: 1.0
Content-Type: multipart/report; report-type="delivery-status"; boundary="r"

--r
Content-Type: text/plain; charset=us-ascii

Delivery has failed to these recipients or groups.
--r
Content-Type: message/delivery-status

Reporting-MTA: dns;mail.example.org

Original-Recipient: rfc822;slow@example.org
Final-Recipient: rfc822;slow@example.org
Action: delayed
Status: 4.4.7

Final-Recipient: RFC822; <Gone@Example.org>
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp;552 5.2.2 mailbox full
--r
Content-Type: text/rfc822-headers

From: Caredesk Support <support@example.com>
Message-ID: <caredesk.9.ff00aa@example.com>
Subject: [#9] Your refund

--r--
"""
    p = parse_email(raw)
    assert p.bounce == BounceReport(
        original_message_id="caredesk.9.ff00aa@example.com",
        recipients=("gone@example.org",),
        status="5.2.2",
        diagnostic="552 5.2.2 mailbox full",
        permanent=True,
    )
    assert [a.filename for a in p.attachments] == ["attachment-1.txt"]


def test_delayed_only_report_is_not_permanent() -> None:
    raw = b"""From: MAILER-DAEMON@mx.example.com
Subject: Delayed Mail (still being retried)
Content-Type: multipart/report; report-type=delivery-status; boundary=d

--d
Content-Type: text/plain

Still trying.
--d
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; slow@example.org
Action: delayed
Status: 4.4.1
--d--
"""
    bounce = parse_email(raw).bounce
    assert bounce is not None
    assert (bounce.recipients, bounce.status, bounce.permanent) == (
        ("slow@example.org",),
        "4.4.1",
        False,
    )


def test_old_exim_plain_text_bounce() -> None:
    raw = b"""Return-path: <>
From: Mail Delivery System <Mailer-Daemon@mx.example.net>
To: support@example.com
Subject: Mail delivery failed: returning message to sender

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  nobody@example.net
    SMTP error from remote mail server after RCPT TO:<nobody@example.net>:
    550 5.1.1 No such user here

------ This is a copy of the message, including all the headers. ------

Return-path: <support@example.com>
Received: from app.example.com ([192.0.2.10])
From: Caredesk Support <support@example.com>
Message-Id: <caredesk.77.0b0b0b@example.com>
Subject: Re: [#77] Login

Hello again.
"""
    assert parse_email(raw).bounce == BounceReport(
        original_message_id="caredesk.77.0b0b0b@example.com",
        recipients=("nobody@example.net",),
        status="5.1.1",
        diagnostic="SMTP error from remote mail server after RCPT TO:<nobody@example.net>:",
        permanent=True,
    )


def test_a_person_writing_from_postmaster_is_no_bounce() -> None:
    raw = b"From: postmaster@example.org\nSubject: Question about DNS\n\nHello <x@example.org>\n"
    assert parse_email(raw).bounce is None


def test_inline_data_images_stay_but_data_links_go() -> None:
    raw = (
        b"Subject: x\nContent-Type: text/html\n\n"
        b'<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="chart">'
        b'<a href="data:text/html,<script>alert(1)</script>">open</a>'
        b'<img src="data:text/html;base64,PHNjcmlwdD4=">'
        b'<a href="mailto:help@example.com">mail us</a></p>'
    )
    html = parse_email(raw).html
    assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt="chart">' in html
    assert "data:text/html" not in html
    assert 'href="mailto:help@example.com"' in html
