"""The MIME an outgoing email is built into: parts, their order, and the sender's name."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from email.message import EmailMessage, MIMEPart

import pytest

from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.compose import message_bytes
from caredesk.outbound.models import OutboundEmail
from caredesk.outbound.reply_body import Quoted, attribution, reply_body

pytestmark = pytest.mark.django_db


def _row(mailbox: Mailbox, **fields: object) -> OutboundEmail:
    values: dict[str, object] = {
        "mailbox": mailbox,
        "kind": OutboundEmail.Kind.REPLY,
        "to": ["ana@example.net"],
        "subject": "Re: Order [#7]",
        "text": "Hello",
        "message_id": "caredesk.7.abc@example.com",
        "created_at": datetime(2026, 12, 3, 14, 0, tzinfo=UTC),
        **fields,
    }
    return OutboundEmail(**values)


def parsed(row: OutboundEmail) -> EmailMessage:
    raw = message_bytes(row)
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _text(part: MIMEPart) -> str:
    return str(part.get_content()).replace("\r\n", "\n").rstrip("\n")


def test_a_reply_with_html_is_multipart_alternative_plain_first(mailbox: Mailbox) -> None:
    body = reply_body(text="Hi **Ana**,\n\n- one\n- two")
    message = parsed(_row(mailbox, text=body.text, html=body.html))
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = message.iter_parts()
    assert plain.get_content_type() == "text/plain" and rich.get_content_type() == "text/html"
    assert plain.get_content_charset() == "utf-8" and rich.get_content_charset() == "utf-8"
    assert plain["Content-Transfer-Encoding"] == "quoted-printable"
    assert _text(plain) == "Hi **Ana**,\n\n- one\n- two"
    html = _text(rich)
    assert "<strong>Ana</strong>" in html and "<ul><li>one</li><li>two</li></ul>" in html
    assert html.startswith("<!DOCTYPE html>")
    assert message.get_all("MIME-Version") == ["1.0"]  # on the email, not on each part


def test_an_email_without_html_is_one_text_part(mailbox: Mailbox) -> None:
    message = parsed(_row(mailbox, kind=OutboundEmail.Kind.ACKNOWLEDGEMENT, text="We got it"))
    assert message.get_content_type() == "text/plain"
    assert message["From"] == "Example Support <support@example.com>"


@pytest.mark.parametrize(
    ("name", "wire"),
    [
        ("Ann at Example Support", b"From: Ann at Example Support <support@example.com>"),
        ("O'Brien, Ann at Example", b'From: "O\'Brien, Ann at Example" <support@example.com>'),
        ('Ann "the fixer"', b'From: "Ann \\"the fixer\\"" <support@example.com>'),
        ("Zoë at Example Support", b"From: =?utf-8?q?Zo=C3=AB?= at Example Support <support@"),
        (
            "Zoë Ångström at Support",
            b"From: =?utf-8?q?Zo=C3=AB_=C3=85ngstr=C3=B6m?= at Support <support@",
        ),
        ("Łukasz, Jr. at Support", b"From: =?utf-8?q?=C5=81ukasz=2C_Jr=2E?= at Support <"),
        ("王芳 at 客服", b"From: =?utf-8?q?=E7=8E=8B=E8=8A=B3?= at =?utf-8?q?=E5=AE=A2=E6=9C=8D?="),
    ],
)
def test_from_is_quoted_or_encoded_as_the_name_needs(
    mailbox: Mailbox, name: str, wire: bytes
) -> None:
    row = _row(mailbox, from_name=name)
    raw = message_bytes(row)
    assert wire in raw
    message = parsed(row)
    assert message["From"].addresses[0].display_name == name
    assert message["From"].addresses[0].addr_spec == "support@example.com"
    assert all(byte < 128 for byte in raw)  # nothing beyond ASCII: any relay takes it


def test_a_long_name_beyond_ascii_folds_into_short_encoded_words(mailbox: Mailbox) -> None:
    name = "Zoë-Ångström Łukasiewicz-Żółkiewska at Équipe Clientèle Internationale Très Spéciale"
    row = _row(mailbox, from_name=name)
    header = message_bytes(row).split(b"\r\n\r\n")[0]
    assert all(len(line) <= 78 for line in header.split(b"\r\n"))
    assert all(len(word) <= 75 for word in header.split() if word.startswith(b"=?"))
    # A word cut across two encoded-words: mail clients join them as RFC 2047 says, while
    # Python's parser puts a space between, hence the comparison without spaces.
    shown = parsed(row)["From"].addresses[0].display_name
    assert shown.replace(" ", "") == name.replace(" ", "")


def test_reply_to_carries_the_same_name(mailbox: Mailbox) -> None:
    from tests.conftest import deliver_ticket
    from tests.mail import make_email

    ticket = deliver_ticket(make_email(), mailbox)
    message = parsed(_row(mailbox, ticket=ticket, from_name="Ann at Example Support"))
    assert message["Reply-To"] == (
        f"Ann at Example Support <support+{ticket.reply_token}@example.com>"
    )


def test_the_quote_goes_in_both_parts(mailbox: Mailbox) -> None:
    quoted = Quoted(
        name="Ana Lopez",
        at=datetime(2026, 12, 1, 14, 5, tzinfo=UTC),
        text="Hello, <my> order\n\nhas not arrived.",
    )
    body = reply_body(text="It is on its way.", signature="Ann\nExample Support", quoted=quoted)
    assert body.text == (
        "It is on its way.\n\n-- \nAnn\nExample Support\n\n"
        "On Tue 1 Dec 2026 at 14:05, Ana Lopez wrote:\n"
        "> Hello, <my> order\n>\n> has not arrived."
    )
    message = parsed(_row(mailbox, text=body.text, html=body.html))
    rich = message.get_body(("html",))
    assert isinstance(rich, EmailMessage)
    html = _text(rich)
    assert "<p>On Tue 1 Dec 2026 at 14:05, Ana Lopez wrote:</p>" in html
    assert (
        '<blockquote type="cite"><p>Hello, &lt;my&gt; order</p>\n<p>has not arrived.</p>'
        "</blockquote>"
    ) in html
    assert (
        html.index("It is on its way.")
        < html.index("Ann<br>Example Support")
        < html.index("<blockquote")
    )


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "On Tue 1 Dec 2026 at 14:05, Ana Lopez wrote:"),
        ("de", "Am Di., 1. Dez. 2026 um 14:05 schrieb Ana Lopez:"),
        ("fr", "Le mar. 1 déc. 2026 à 14:05, Ana Lopez a écrit :"),
        ("es", "El mar, 1 dic 2026 a las 14:05, Ana Lopez escribió:"),
        ("pt-BR", "On Tue 1 Dec 2026 at 14:05, Ana Lopez wrote:"),  # no words of ours: English
    ],
)
def test_the_attribution_in_the_mailbox_language(language: str, line: str) -> None:
    quoted = Quoted(name="Ana Lopez", at=datetime(2026, 12, 1, 14, 5, tzinfo=UTC), text="x")
    assert attribution(quoted=quoted, language=language) == line


@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
def test_our_attributions_are_read_as_history_by_the_quote_splitter(language: str) -> None:
    """A customer answering below our quote, or a client that flattens the quote, must not
    have our attribution and the customer's old words read as their new message."""
    from caredesk.inbound.quoting import split_reply

    quoted = Quoted(name="Ana Lopez", at=datetime(2026, 12, 1, 14, 5, tzinfo=UTC), text="Old")
    body = reply_body(text="New words.", quoted=quoted, language=language)
    split = split_reply(body.text)
    assert split.new == "New words."
    assert split.quoted.endswith("> Old")


@pytest.mark.parametrize(
    "subject",
    [
        "Re: 注文した商品が届きません [#12]",  # one encoded-word just too long for the first line
        "Re: " + "ご注文の商品がまだ届いておりません。" * 4 + " [#12]",
        "Re: Commande 48213 jamais livrée [#12]",
    ],
)
def test_a_subject_beyond_ascii_reads_back_exactly(mailbox: Mailbox, subject: str) -> None:
    raw = message_bytes(_row(mailbox, subject=subject))
    first = raw.split(b"\r\n", 1)[0] if raw.startswith(b"Subject") else raw.split(b"Subject:")[1]
    assert not first.startswith(b" \r\n")  # never "Subject: " alone on its line
    assert all(len(line) <= 78 for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n"))
    assert parsed(_row(mailbox, subject=subject))["Subject"] == subject
