"""A duplicate is the same email delivered again: the same Message-ID *and* the same content.

A different email under a reused Message-ID (test corpora, broken mailers, copiers) is stored as
a message of its own, threaded by the usual rules, with a note; the same email arriving again
with other trace headers, line endings or transfer encoding is still one message.
"""

from __future__ import annotations

import pytest

from caredesk.inbound.models import InboundMessage, IntakeStatus, Source
from caredesk.inbound.process import inbound_process_waiting
from caredesk.inbound.receive import inbound_receive
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail
from caredesk.tickets.models import Message, MessageKind, Ticket
from tests.conftest import deliver, eml, ticket_of
from tests.mail import make_email

pytestmark = pytest.mark.django_db


def test_two_customers_emails_under_one_message_id_are_two_tickets(mailbox: Mailbox) -> None:
    first = deliver(eml("reused-message-id-1.eml"), mailbox)
    second = deliver(eml("reused-message-id-2.eml"), mailbox)

    assert [first.status, second.status] == [IntakeStatus.PROCESSED] * 2, second.status_reason
    assert second.status_reason == "new ticket"
    one, two = ticket_of(first), ticket_of(second)
    assert one.pk != two.pk
    assert one.customer_id != two.customer_id
    assert two.messages.get(kind=MessageKind.CUSTOMER).new_text.startswith("The reset link")
    note = two.messages.get(kind=MessageKind.CUSTOMER).defects[-1]
    assert note == (
        "Message-ID <1.0@localhost.localdomain> was already used by a different email "
        f"(on ticket {one.reference}); kept as a message of its own"
    )
    assert one.messages.get(kind=MessageKind.CUSTOMER).defects == []
    acknowledged = OutboundEmail.objects.filter(kind="acknowledgement")
    assert sorted(acknowledged.values_list("ticket_id", flat=True)) == [one.pk, two.pk]


def test_the_same_email_again_is_still_a_duplicate_under_a_reused_id(mailbox: Mailbox) -> None:
    deliver(eml("reused-message-id-1.eml"), mailbox)
    deliver(eml("reused-message-id-2.eml"), mailbox)
    again = deliver(eml("reused-message-id-2.eml"), mailbox)

    assert again.status == IntakeStatus.IGNORED
    assert again.status_reason.startswith("duplicate of a message on ticket")
    assert Message.objects.filter(kind=MessageKind.CUSTOMER).count() == 2


def test_a_different_email_from_the_same_customer_under_their_id_is_kept(mailbox: Mailbox) -> None:
    raw = make_email(message_id="<same@example.net>", body="First question about 10501.\n")
    other = make_email(message_id="<same@example.net>", body="A second, different question.\n")
    first, second = deliver(raw, mailbox), deliver(other, mailbox)

    assert second.status == IntakeStatus.PROCESSED
    texts = Message.objects.filter(kind=MessageKind.CUSTOMER).values_list("new_text", flat=True)
    assert sorted(t.strip() for t in texts) == [
        "A second, different question.",
        "First question about 10501.",
    ]
    # Without In-Reply-To or References it threads as any new email does: its own ticket.
    assert ticket_of(first).pk != ticket_of(second).pk


def test_trace_headers_line_endings_and_encoding_do_not_make_a_copy_different(
    mailbox: Mailbox,
) -> None:
    original = make_email(message_id="<trace@example.net>", body="Where is parcel 10501?\n")
    head, _, body = original.partition(b"\r\n\r\n")
    # A second path: another Received line, a relay that rewrote CRLF and re-encoded the body.
    import quopri

    relayed = (
        b"Received: from mx2.example.net by mx.example.com; Tue, 01 Dec 2026 10:00:00 +0000\n"
        + head.replace(b"Content-Transfer-Encoding: 7bit", b"")
        .replace(b"\r\n\r\n", b"\r\n")
        .replace(b"\r\n", b"\n")
        .rstrip(b"\n")
        + b"\nContent-Transfer-Encoding: quoted-printable\n\n"
        + quopri.encodestring(body.replace(b"\r\n", b"\n"))
    )
    first = deliver(original, mailbox)
    second = deliver(relayed, mailbox, source="imap")

    assert first.status == IntakeStatus.PROCESSED
    assert second.status == IntakeStatus.IGNORED, second.status_reason
    assert Message.objects.filter(kind=MessageKind.CUSTOMER).count() == 1


def test_scans_without_a_message_id_differ_by_their_attachment(mailbox: Mailbox) -> None:
    one = deliver(eml("scan-without-message-id-1.eml"), mailbox)
    two = deliver(eml("scan-without-message-id-2.eml"), mailbox)
    again = deliver(eml("scan-without-message-id-2.eml"), mailbox)

    assert [one.status, two.status] == [IntakeStatus.PROCESSED] * 2, two.status_reason
    assert again.status == IntakeStatus.IGNORED
    files = Message.objects.filter(kind=MessageKind.CUSTOMER).values_list(
        "attachments__sha256", flat=True
    )
    assert len(set(files)) == 2


def test_reused_ids_in_one_batch_are_told_apart_the_same_way(mailbox: Mailbox) -> None:
    raws = [
        eml("reused-message-id-1.eml"),
        eml("reused-message-id-2.eml"),
        eml("reused-message-id-2.eml"),  # the same email twice in the batch
    ]
    rows = [
        inbound_receive(raw=raw, mailbox_id=mailbox.pk, source=Source.SMTP, process=False)
        for raw in raws
    ]
    inbound_process_waiting(limit=len(rows))
    first, second, third = (InboundMessage.objects.get(pk=r.pk) for r in rows)

    assert [first.status, second.status, third.status] == [
        IntakeStatus.PROCESSED,
        IntakeStatus.PROCESSED,
        IntakeStatus.IGNORED,
    ]
    assert third.ticket_id == second.ticket_id != first.ticket_id
    assert third.ticket_message_id == second.ticket_message_id
    assert Ticket.objects.count() == 2


def test_a_message_recorded_before_digests_is_matched_by_its_id(mailbox: Mailbox) -> None:
    raw = make_email(message_id="<legacy@example.net>")
    deliver(raw, mailbox)
    Message.objects.filter(message_id="legacy@example.net").update(content_digest="")

    again = deliver(raw, mailbox)
    assert again.status == IntakeStatus.IGNORED
