"""classify: person, autoresponder, bulk mail or bounce, and which signal said so."""

from __future__ import annotations

from pathlib import Path

import pytest

from caredesk.inbound.classify import classify
from caredesk.inbound.parsing import parse_email
from caredesk.inbound.types import Address, BounceReport, Classification, Kind, ParsedEmail

EML = Path(__file__).parents[1] / "fixtures" / "eml"

EXPECTED = {
    "8bit-raw-headers.eml": (Kind.HUMAN, "no automated-mail signal"),
    "apple-mail-reply.eml": (Kind.HUMAN, "no automated-mail signal"),
    "dsn-bounce-5.1.1.eml": (Kind.BOUNCE, "delivery status notification"),
    "exchange-auto-reply.eml": (Kind.AUTO_REPLY, "X-Auto-Response-Suppress: All"),
    "forwarded-message-rfc822.eml": (Kind.HUMAN, "no automated-mail signal"),
    "french-gmail-reply.eml": (Kind.HUMAN, "no automated-mail signal"),
    "french-new-ticket-quoted-printable.eml": (Kind.HUMAN, "no automated-mail signal"),
    "japanese-new-ticket-iso-2022-jp.eml": (Kind.HUMAN, "no automated-mail signal"),
    "german-outlook-reply.eml": (Kind.HUMAN, "no automated-mail signal"),
    "gmail-reply-quoted.eml": (Kind.HUMAN, "no automated-mail signal"),
    "html-only.eml": (Kind.HUMAN, "no automated-mail signal"),
    "html-with-script-xss.eml": (Kind.HUMAN, "no automated-mail signal"),
    "inline-image-cid.eml": (Kind.HUMAN, "no automated-mail signal"),
    "iphone-mobile-reply.eml": (Kind.HUMAN, "no automated-mail signal"),
    "mailing-list-bulk.eml": (Kind.BULK, "List-Id header"),
    "missing-headers.eml": (Kind.HUMAN, "no automated-mail signal"),
    "multiple-in-reply-to.eml": (Kind.HUMAN, "no automated-mail signal"),
    "newsletter-precedence-bulk.eml": (Kind.BULK, "Precedence: bulk"),
    "no-charset-8bit.eml": (Kind.HUMAN, "no automated-mail signal"),
    # Auto-Submitted wins over the Precedence: bulk the vacation program also sets.
    "out-of-office-auto-submitted.eml": (Kind.AUTO_REPLY, "Auto-Submitted: auto-replied"),
    "out-of-office-subject-only.eml": (Kind.AUTO_REPLY, "out-of-office subject"),
    "outlook-reply-rewritten-headers.eml": (Kind.HUMAN, "no automated-mail signal"),
    "qmail-bounce.eml": (Kind.BOUNCE, "delivery status notification"),
    "rfc2047-subject-and-rfc2231-filename.eml": (Kind.HUMAN, "no automated-mail signal"),
    "thunderbird-reply.eml": (Kind.HUMAN, "no automated-mail signal"),
    "truncated-mime.eml": (Kind.HUMAN, "no automated-mail signal"),
    "wrong-charset-declared.eml": (Kind.HUMAN, "no automated-mail signal"),
    "announcement-reply-1.eml": (Kind.HUMAN, "no automated-mail signal"),
    "announcement-reply-2.eml": (Kind.HUMAN, "no automated-mail signal"),
    "announcement-reply-3.eml": (Kind.HUMAN, "no automated-mail signal"),
    "references-naming-two-tickets.eml": (Kind.HUMAN, "no automated-mail signal"),
    "long-line-6000-html.eml": (Kind.HUMAN, "no automated-mail signal"),
    "abuse-feedback-report.eml": (Kind.BULK, "abuse feedback report (multipart/report)"),
    "nul-in-charset.eml": (Kind.HUMAN, "no automated-mail signal"),
    "cc-2000.eml": (Kind.HUMAN, "no automated-mail signal"),
    "stranger-naming-another-ticket-in-subject.eml": (Kind.HUMAN, "no automated-mail signal"),
    "internationalised-address-smtputf8.eml": (Kind.HUMAN, "no automated-mail signal"),
    "reused-message-id-1.eml": (Kind.HUMAN, "no automated-mail signal"),
    "reused-message-id-2.eml": (Kind.HUMAN, "no automated-mail signal"),
    "scan-without-message-id-1.eml": (Kind.HUMAN, "no automated-mail signal"),
    "scan-without-message-id-2.eml": (Kind.HUMAN, "no automated-mail signal"),
    "thunderbird-html-signoff-above-attribution.eml": (Kind.HUMAN, "no automated-mail signal"),
    "gmail-html-only-quote.eml": (Kind.HUMAN, "no automated-mail signal"),
    "gmail-reply-quoting-our-html-reply.eml": (Kind.HUMAN, "no automated-mail signal"),
    "outlook-html-divrplyfwdmsg.eml": (Kind.HUMAN, "no automated-mail signal"),
    "apple-html-blockquote-cite.eml": (Kind.HUMAN, "no automated-mail signal"),
    "polish-reply-napisal.eml": (Kind.HUMAN, "no automated-mail signal"),
    "russian-reply-napisal.eml": (Kind.HUMAN, "no automated-mail signal"),
    "one-line-reply-above-quoted-attribution.eml": (Kind.HUMAN, "no automated-mail signal"),
    "outlook-android-mobile-signature.eml": (Kind.HUMAN, "no automated-mail signal"),
    "date-first-attribution.eml": (Kind.HUMAN, "no automated-mail signal"),
}


def test_every_fixture_is_expected() -> None:
    assert sorted(p.name for p in EML.glob("*.eml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixtures(name: str) -> None:
    verdict = classify(parse_email((EML / name).read_bytes()))
    assert (verdict.kind, verdict.reason) == EXPECTED[name]


def test_bounce_carries_what_bounced() -> None:
    verdict = classify(parse_email((EML / "dsn-bounce-5.1.1.eml").read_bytes()))
    assert verdict.extra == {
        "status": "5.1.1",
        "original_message_id": "caredesk.42.abc123@example.com",
    }


def email(
    *headers: tuple[str, str],
    subject: str = "Question about my invoice",
    sender: Address | None = None,
    bounce: BounceReport | None = None,
) -> ParsedEmail:
    return ParsedEmail(
        message_id="m@example.net",
        subject=subject,
        from_=sender if sender is not None else Address("kim@example.net", "Kim"),
        reply_to=(),
        to=(Address("support@example.com"),),
        cc=(),
        date=None,
        in_reply_to=(),
        references=(),
        headers=(("Subject", subject), *headers),
        text="Hello",
        html="",
        bounce=bounce,
    )


def kind(parsed: ParsedEmail) -> Kind:
    return classify(parsed).kind


def test_a_plain_email_is_human() -> None:
    assert classify(email()) == Classification(Kind.HUMAN, "no automated-mail signal")


@pytest.mark.parametrize(
    "header",
    [
        ("Auto-Submitted", "auto-replied"),
        ("Auto-Submitted", "auto-generated"),
        ("auto-submitted", "Auto-Notified; owner-email=x@example.org"),
        ("X-Autoreply", "yes"),
        ("X-Autorespond", "Vacation"),
        ("X-Auto-Response-Suppress", "OOF, AutoReply"),
        ("X-Auto-Response-Suppress", "All"),
        ("X-Auto-Response-Suppress", "oof"),
        ("X-MS-Exchange-Inbox-Rules-Loop", "kim@example.net"),
        ("Precedence", "auto_reply"),
        ("X-AutoGenerated", "Reply"),
    ],
)
def test_auto_reply_headers(header: tuple[str, str]) -> None:
    assert kind(email(header)) == Kind.AUTO_REPLY


@pytest.mark.parametrize(
    "header",
    [
        ("Auto-Submitted", "no"),
        ("Auto-Submitted", "No ; comment"),
        ("Auto-Submitted", "no (sent by a person)"),
        ("X-Auto-Response-Suppress", "DR, RN, NRN"),  # only receipts suppressed: a person
        ("X-Autoreply", "no"),
    ],
)
def test_headers_that_do_not_mean_auto_reply(header: tuple[str, str]) -> None:
    assert kind(email(header)) == Kind.HUMAN


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: Re: [#12] Refund",
        "Out of the office until Monday",
        "Automatic reply: [#12] Refund",
        "Autoreply: thanks for your email",
        "Auto-Reply: on holiday",
        "[Auto-Reply] on holiday",
        "Abwesenheitsnotiz: [#12] Erstattung",
        "Automatische Antwort: [#12] Erstattung",
        "Réponse automatique : [#12] Remboursement",
        "Absence du bureau",
        "Respuesta automática: [#12] Reembolso",
        "Fuera de la oficina: [#12]",
        "Risposta automatica: [#12] Rimborso",
        "Afwezig: [#12] Terugbetaling",
        "Automatisch antwoord: [#12] Terugbetaling",
        "Resposta automática: [#12] Reembolso",
        "Frånvaro: [#12] Återbetalning",
    ],
)
def test_out_of_office_subjects(subject: str) -> None:
    verdict = classify(email(subject=subject))
    assert (verdict.kind, verdict.reason) == (Kind.AUTO_REPLY, "out-of-office subject")


@pytest.mark.parametrize(
    "subject",
    [
        "Re: Automatic reply: [#12] Refund",  # a person answering an autoresponder
        "How do I set an out of office reply in your app?",
        "Absent-minded question about invoices",
        "Automatically renewing subscription",
    ],
)
def test_subjects_that_only_mention_auto_replies(subject: str) -> None:
    assert kind(email(subject=subject)) == Kind.HUMAN


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (("Precedence", "bulk"), "Precedence: bulk"),
        (("Precedence", "List"), "Precedence: list"),
        (("Precedence", "junk"), "Precedence: junk"),
        (("List-Id", "<users.lists.example.org>"), "List-Id header"),
        (("List-Unsubscribe", "<https://example.net/u/1>"), "List-Unsubscribe header"),
    ],
)
def test_bulk(header: tuple[str, str], reason: str) -> None:
    assert classify(email(header)) == Classification(Kind.BULK, reason)


def test_precedence_first_class_is_human() -> None:
    assert kind(email(("Precedence", "first-class"))) == Kind.HUMAN


@pytest.mark.parametrize(
    ("sender", "subject"),
    [
        (Address("mailer-daemon@mx.example.org"), "failure notice"),
        (Address("MAILER-DAEMON@mx.example.org"), "Undelivered Mail Returned to Sender"),
        (Address("postmaster@example.org"), "Delivery Status Notification (Failure)"),
        (Address("mailer-daemon@example.net", "Mail Delivery Subsystem"), "Delivery failure"),
        (Address("postmaster@example.org"), "Undeliverable: [#12] Refund"),
        (Address("postmaster@example.org"), "Unzustellbar: [#12] Erstattung"),
        (Address("noreply@example.org", "Mail Delivery System"), "Mail delivery failed"),
    ],
)
def test_bounce_by_sender_and_subject(sender: Address, subject: str) -> None:
    assert kind(email(subject=subject, sender=sender)) == Kind.BOUNCE


def test_daemon_without_failure_subject_is_not_a_bounce() -> None:
    postmaster = Address("postmaster@example.org")
    assert kind(email(subject="Your question", sender=postmaster)) == Kind.HUMAN


def test_null_return_path_with_failure_subject_is_a_bounce() -> None:
    parsed = email(("Return-Path", "<>"), subject="Returned mail: see transcript for details")
    assert classify(parsed).reason == "failure subject from null sender"


def test_delivery_report_content_type_is_a_bounce() -> None:
    parsed = email(
        ("Content-Type", 'multipart/report; boundary="b"; report-type="delivery-status"')
    )
    assert classify(parsed) == Classification(
        Kind.BOUNCE, "Content-Type: multipart/report delivery-status"
    )


def test_order_is_bounce_then_auto_reply_then_bulk() -> None:
    report = BounceReport(original_message_id="x@example.com", status="5.1.1")
    everything = email(
        ("Auto-Submitted", "auto-replied"), ("List-Id", "<l.example.org>"), bounce=report
    )
    assert kind(everything) == Kind.BOUNCE
    assert kind(email(("Auto-Submitted", "auto-replied"), ("Precedence", "bulk"))) == (
        Kind.AUTO_REPLY
    )
    assert kind(email(("Precedence", "bulk"), subject="Automatic reply: hi")) == Kind.AUTO_REPLY
    assert kind(email(("List-Id", "<l.example.org>"))) == Kind.BULK
