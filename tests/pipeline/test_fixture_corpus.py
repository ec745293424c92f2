"""Every real-world-shaped email in tests/fixtures/eml through the whole pipeline."""

from __future__ import annotations

import pytest

from caredesk.inbound.models import IntakeStatus
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import DeliveryStatus, OutboundEmail
from caredesk.tickets.models import Ticket
from tests.conftest import EML, deliver, deliver_ticket, eml, ticket_of

pytestmark = pytest.mark.django_db

# name -> (status, becomes a ticket, acknowledged)
HUMAN = (IntakeStatus.PROCESSED, True, True)
UNACKNOWLEDGED = (IntakeStatus.PROCESSED, True, False)
DROPPED = (IntakeStatus.IGNORED, False, False)
EXPECTED = {
    "8bit-raw-headers.eml": HUMAN,
    "apple-mail-reply.eml": HUMAN,
    "forwarded-message-rfc822.eml": HUMAN,
    "french-gmail-reply.eml": HUMAN,
    "german-outlook-reply.eml": HUMAN,
    "gmail-reply-quoted.eml": HUMAN,
    "html-only.eml": HUMAN,
    "html-with-script-xss.eml": HUMAN,
    "inline-image-cid.eml": HUMAN,
    "iphone-mobile-reply.eml": HUMAN,
    "multiple-in-reply-to.eml": HUMAN,
    "outlook-reply-rewritten-headers.eml": HUMAN,
    "rfc2047-subject-and-rfc2231-filename.eml": HUMAN,
    "thunderbird-reply.eml": HUMAN,
    "truncated-mime.eml": HUMAN,
    "wrong-charset-declared.eml": HUMAN,
    "announcement-reply-1.eml": HUMAN,  # three customers answering one announcement
    "announcement-reply-2.eml": HUMAN,
    "announcement-reply-3.eml": HUMAN,
    "references-naming-two-tickets.eml": HUMAN,  # a stranger naming two customers' tickets
    "stranger-naming-another-ticket-in-subject.eml": HUMAN,  # "[#6]" in a stranger's subject
    "cc-2000.eml": HUMAN,  # one email naming 2,000 people in Cc
    "reused-message-id-1.eml": HUMAN,  # two customers' emails under one Message-ID
    "reused-message-id-2.eml": HUMAN,
    "scan-without-message-id-1.eml": HUMAN,  # a copier's scans: no Message-ID, same text
    "scan-without-message-id-2.eml": HUMAN,
    # quoted history and signatures as other clients write them
    "thunderbird-html-signoff-above-attribution.eml": HUMAN,
    "gmail-html-only-quote.eml": HUMAN,
    "gmail-reply-quoting-our-html-reply.eml": HUMAN,  # quotes our reply, which quoted them
    "outlook-html-divrplyfwdmsg.eml": HUMAN,
    "apple-html-blockquote-cite.eml": HUMAN,
    "polish-reply-napisal.eml": HUMAN,
    "russian-reply-napisal.eml": HUMAN,
    "one-line-reply-above-quoted-attribution.eml": HUMAN,
    "outlook-android-mobile-signature.eml": HUMAN,
    "date-first-attribution.eml": HUMAN,
    "nul-in-charset.eml": HUMAN,  # NUL inside a header parameter (PostgreSQL refuses NUL)
    "long-line-6000-html.eml": HUMAN,  # a 6,000-character line (refused once at SMTP DATA)
    # new tickets in French and Japanese (ISO-2022-JP): acknowledged in their language
    "french-new-ticket-quoted-printable.eml": HUMAN,
    "japanese-new-ticket-iso-2022-jp.eml": HUMAN,
    # A feedback-loop report. Sent to abuse@ over SMTP it is kept for admins and never reaches
    # this pipeline (test_smtp_postmaster); handed to a mailbox, it is a ticket nobody is told of.
    "abuse-feedback-report.eml": UNACKNOWLEDGED,
    "internationalised-address-smtputf8.eml": HUMAN,  # jdöe@mächine.example: needs SMTPUTF8
    "no-charset-8bit.eml": UNACKNOWLEDGED,  # from noreply@: nobody would read it
    "mailing-list-bulk.eml": UNACKNOWLEDGED,
    "newsletter-precedence-bulk.eml": UNACKNOWLEDGED,
    "exchange-auto-reply.eml": DROPPED,  # automatic replies to no ticket we know
    "out-of-office-auto-submitted.eml": DROPPED,
    "out-of-office-subject-only.eml": DROPPED,
    "dsn-bounce-5.1.1.eml": DROPPED,  # bounces of mail we never sent
    "qmail-bounce.eml": DROPPED,
    "missing-headers.eml": (IntakeStatus.QUARANTINED, False, False),  # no sender anywhere
}


def test_every_fixture_has_an_expectation() -> None:
    names = {p.name for p in EML.glob("*.eml")}
    assert names - set(EXPECTED) == set(), "add the new fixture to EXPECTED"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_through_the_pipeline(mailbox: Mailbox, name: str) -> None:
    status, ticket, acknowledged = EXPECTED[name]
    row = deliver(eml(name), mailbox)
    assert row.status == status, row.status_reason
    assert (row.ticket_id is not None) == ticket
    assert OutboundEmail.objects.filter(kind="acknowledgement").exists() == acknowledged
    if ticket:
        message = row.ticket_message
        assert message is not None
        assert message.from_address
        assert message.text or message.html
        assert "<script" not in message.html.lower()


def test_missing_headers_is_processed_when_the_envelope_names_the_sender(mailbox: Mailbox) -> None:
    row = deliver(eml("missing-headers.eml"), mailbox, envelope_from="someone@example.net")
    assert row.status == IntakeStatus.PROCESSED
    assert ticket_of(row).subject  # "(no subject)" at least


def test_dsn_fixture_fails_the_email_it_returns(mailbox: Mailbox) -> None:
    ticket = deliver_ticket(eml("gmail-reply-quoted.eml"), mailbox)
    ours = OutboundEmail.objects.create(
        mailbox=mailbox,
        ticket=ticket,
        kind="reply",
        to=["nobody@example.org"],
        recipient="nobody@example.org",
        subject="Re: x",
        text="x",
        message_id="caredesk.42.abc123@example.com",
        status=DeliveryStatus.SENT,
    )
    row = deliver(eml("dsn-bounce-5.1.1.eml"), mailbox)
    assert row.status == IntakeStatus.PROCESSED
    ours.refresh_from_db()
    assert ours.status == DeliveryStatus.FAILED
    assert ticket.events.get(kind="bounced").data["recipients"] == 1
    assert Ticket.objects.count() == 1


def test_outlook_fixture_threads_into_the_ticket_it_answers(mailbox: Mailbox) -> None:
    """The Outlook reply answers one of our emails; it must join that ticket."""
    from caredesk.inbound.parsing import parse_email

    parsed = parse_email(eml("outlook-reply-rewritten-headers.eml"))
    assert parsed.in_reply_to and not parsed.references
    ticket = deliver_ticket(eml("gmail-reply-quoted.eml"), mailbox)
    from caredesk.tickets.models import Message

    Message.objects.create(
        ticket=ticket,
        mailbox=mailbox,
        kind="reply",
        from_address=mailbox.address,
        message_id=parsed.in_reply_to[0],
    )
    assert deliver(eml("outlook-reply-rewritten-headers.eml"), mailbox).ticket_id == ticket.pk
