"""Files on agents' replies and notes: what is refused, and what reaches the customer."""

from __future__ import annotations

import struct
from datetime import timedelta

import pytest
from pytest_django import Settings

from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import DeliveryStatus, OutboundEmail
from caredesk.outbound.services import outbound_deliver
from caredesk.tickets.attachments import Upload, clean_filename, uploads_check
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.services import ticket_add_note
from tests.conftest import deliver_ticket
from tests.mail import SmtpSink, make_email, plain_text

PDF = b"%PDF-1.4 a small document"


def program() -> bytes:
    """The first bytes of a Windows executable: MZ, and "PE" where the header says."""
    head = bytearray(b"MZ" + bytes(126))
    struct.pack_into("<I", head, 0x3C, 64)
    head[64:68] = b"PE\x00\x00"
    return bytes(head)


def test_files_are_checked_and_named_cleanly(settings: Settings) -> None:
    checked = uploads_check([Upload("C:\\Users\\ann\\Refund form.pdf", "", PDF)])
    assert checked == [Upload("Refund form.pdf", "application/pdf", PDF)]
    assert uploads_check([Upload("notes", "text/plain", b"x")])[0].content_type == "text/plain"
    assert uploads_check([Upload("blob", "<script>", b"x")])[0].content_type == (
        "application/octet-stream"
    )
    assert clean_filename("../\x00..") == "attachment"

    refused = {
        "empty": [Upload("empty.txt", "text/plain", b"")],
        "cannot be sent": [Upload("invoice.pdf.exe", "", b"anything")],
        "programs and scripts": [Upload("invoice.pdf", "application/pdf", program())],
        "at most 20 files": [Upload(f"{n}.txt", "", b"x") for n in range(21)],
    }
    for why, uploads in refused.items():
        with pytest.raises(InvalidRequest, match=why):
            uploads_check(uploads)
    with pytest.raises(InvalidRequest, match="cannot be sent"):
        uploads_check([Upload("tool", "", b"\x7fELF\x02\x01\x01")])

    settings.CAREDESK_REPLY_ATTACHMENTS_MAX_MB = 1
    with pytest.raises(InvalidRequest, match="at most 1 MB"):
        uploads_check([Upload("a.bin", "", bytes(600_000)), Upload("b.bin", "", bytes(600_000))])


@pytest.mark.django_db(transaction=True)
def test_reply_files_reach_the_customer_and_a_retry_sends_the_same_files(
    mailbox: Mailbox, agent: Agent, relay: SmtpSink, settings: Settings
) -> None:
    start = clock.now()
    with clock.frozen_at(start):
        ticket = deliver_ticket(make_email(), mailbox)
        relay.wait_for(1)  # the acknowledgement
        relay.handler.refuse["jane@example.net"] = "451 4.3.0 Try again later"
        message = ticket_reply(
            ticket=ticket,
            author=agent,
            text="The form is attached.",
            attachments=[
                Upload("Refund form.pdf", "application/pdf", PDF),
                Upload("Überweisung.txt", "text/plain", "Grüße".encode()),
            ],
        )
        email = OutboundEmail.objects.get(ticket_message=message)
        assert email.status == DeliveryStatus.QUEUED and "451" in email.last_error
        assert sorted(a.filename for a in message.attachments.all()) == [
            "Refund form.pdf",
            "Überweisung.txt",
        ]

        relay.handler.refuse.clear()
        clock.advance(timedelta(seconds=settings.CAREDESK_DELIVERY_BACKOFF_SECONDS))
        assert outbound_deliver(outbound_id=email.pk) == DeliveryStatus.SENT

    got = relay.wait_for(2)[-1].message
    assert got.get_content_type() == "multipart/mixed"
    assert "The form is attached." in plain_text(got)
    files = {part.get_filename(): part.get_payload(decode=True) for part in got.iter_attachments()}
    assert files == {"Refund form.pdf": PDF, "Überweisung.txt": "Grüße".encode()}
    text = next(p for p in got.iter_attachments() if p.get_content_maintype() == "text")
    assert text.get_content() == "Grüße"  # labelled UTF-8, so shown right


@pytest.mark.django_db(transaction=True)
def test_note_files_are_kept_and_never_emailed(
    mailbox: Mailbox, agent: Agent, relay: SmtpSink
) -> None:
    ticket = deliver_ticket(make_email(), mailbox)
    relay.wait_for(1)
    note = ticket_add_note(
        ticket=ticket,
        author=agent,
        text="Screenshot from the billing tool",
        attachments=[Upload("billing.png", "image/png", b"\x89PNG\r\n\x1a\n....")],
    )
    assert note.attachments.get().content_type == "image/png"
    assert OutboundEmail.objects.count() == 1  # the acknowledgement only
    assert len(relay.wait_for(2, timeout=0.5)) == 1


def test_a_refused_file_refuses_the_whole_reply(mailbox: Mailbox, agent: Agent) -> None:
    ticket = deliver_ticket(make_email(), mailbox)
    with pytest.raises(InvalidRequest, match="empty"):
        ticket_reply(
            ticket=ticket, author=agent, text="Here", attachments=[Upload("a.txt", "", b"")]
        )
    assert not ticket.messages.filter(kind="reply").exists()


def test_emails_without_files_have_no_mixed_part(mailbox: Mailbox, agent: Agent) -> None:
    from caredesk.outbound.compose import message_bytes

    ticket = deliver_ticket(make_email(), mailbox)
    message = ticket_reply(ticket=ticket, author=agent, text="Plain")
    raw = message_bytes(OutboundEmail.objects.get(ticket_message=message))
    assert b"multipart/mixed" not in raw and raw.count(b"MIME-Version") == 1
    assert raw.startswith(b"Content-Type: multipart/alternative")  # the text and its HTML
    acknowledgement = OutboundEmail.objects.get(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT)
    assert b"multipart" not in message_bytes(acknowledgement)  # automatic: text alone
