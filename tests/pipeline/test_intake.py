"""From raw bytes to a ticket: store first, parse, classify, dedupe, acknowledge."""

from __future__ import annotations

import email
import email.policy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django import Settings

from caredesk.inbound.models import InboundMessage, IntakeStatus, Source
from caredesk.inbound.services import intake_reprocess
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.compose import message_bytes
from caredesk.outbound.models import OutboundEmail
from caredesk.sla.promise import promise_phrase
from caredesk.tickets.models import Message, MessageKind, Status, Ticket
from tests.conftest import deliver
from tests.mail import make_email, mid

pytestmark = pytest.mark.django_db


def test_new_email_becomes_ticket_with_customer_and_acknowledgement(mailbox: Mailbox) -> None:
    raw = make_email(sender="Jöns Müller <Jons@Example.net>", subject="Charged twice")
    row = deliver(raw, mailbox)

    assert row.status == IntakeStatus.PROCESSED
    ticket = row.ticket
    assert ticket is not None
    assert ticket.subject == "Charged twice"
    assert ticket.status == Status.NEW
    assert ticket.customer.name == "Jöns Müller"
    assert list(ticket.customer.addresses.values_list("address", flat=True)) == ["jons@example.net"]
    message = ticket.messages.get(kind=MessageKind.CUSTOMER)
    assert message.message_id == mid(raw)
    assert "order 1234" in message.new_text

    ack = OutboundEmail.objects.get(ticket=ticket)
    assert ack.kind == OutboundEmail.Kind.ACKNOWLEDGEMENT
    assert ack.to == ["jons@example.net"]
    assert f"[#{ticket.pk}]" in ack.subject and "Charged twice" in ack.subject
    assert f"#{ticket.pk}" in ack.text and ack.text.startswith("Hello Jöns,\n")
    # The promise is the first-reply target of the default policy, on the office-hours calendar.
    timer = ticket.timers.get(kind="first_reply")
    assert timer.target_seconds == 8 * 3600
    assert timer.due_at is not None
    when = promise_phrase(due=timer.due_at, now=timer.created_at, timezone="UTC")
    assert f"A person from our team will reply {when}." in ack.text
    built = email.message_from_bytes(message_bytes(ack), policy=email.policy.default)
    assert built["Auto-Submitted"] == "auto-replied"
    assert built["In-Reply-To"] == f"<{mid(raw)}>"
    assert f"support+{ticket.reply_token}@example.com" in built["Reply-To"]
    assert built["From"].addresses[0].addr_spec == "support@example.com"


def test_the_raw_bytes_are_kept_exactly(mailbox: Mailbox) -> None:
    raw = make_email() + b"\r\n\xff\xfe trailing bytes that are not UTF-8\r\n"
    row = deliver(raw, mailbox)
    stored = InboundMessage.objects.get(pk=row.pk)
    assert bytes(stored.raw) == raw
    assert stored.size == len(raw)
    import hashlib

    assert stored.sha256 == hashlib.sha256(raw).hexdigest()


def test_same_email_delivered_twice_is_one_message(mailbox: Mailbox) -> None:
    raw = make_email()
    first = deliver(raw, mailbox)
    # The retry arrives through another source, with an extra trace header.
    second = deliver(b"Received: from relay2.example.net\r\n" + raw, mailbox, source=Source.PIPE)

    assert first.status == IntakeStatus.PROCESSED
    assert second.status == IntakeStatus.IGNORED
    assert "duplicate" in second.status_reason
    assert second.ticket_id == first.ticket_id
    assert Message.objects.filter(message_id=mid(raw)).count() == 1
    assert Ticket.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_email_without_message_id_is_still_deduplicated(mailbox: Mailbox) -> None:
    raw = make_email().replace(b"Message-ID:", b"X-Old-Message-ID:")
    first = deliver(raw, mailbox)
    second = deliver(b"Received: from elsewhere\r\n" + raw, mailbox)
    assert first.status == IntakeStatus.PROCESSED
    assert second.status == IntakeStatus.IGNORED
    assert Ticket.objects.count() == 1


def test_reprocessing_is_idempotent(mailbox: Mailbox) -> None:
    row = deliver(make_email(), mailbox)
    assert intake_reprocess(ids=[row.pk]) == [(row.pk, IntakeStatus.IGNORED)]
    assert Message.objects.filter(kind=MessageKind.CUSTOMER).count() == 1
    assert OutboundEmail.objects.count() == 1


def test_no_sender_is_quarantined_with_reason_and_kept(mailbox: Mailbox) -> None:
    raw = b"Subject: who am I\r\n\r\nno From header, no envelope sender\r\n"
    row = deliver(raw, mailbox)
    assert row.status == IntakeStatus.QUARANTINED
    assert "sender" in row.status_reason
    assert bytes(row.raw) == raw
    assert Ticket.objects.count() == 0


def test_envelope_sender_stands_in_for_a_missing_from(mailbox: Mailbox) -> None:
    raw = b"Subject: hello\r\n\r\nbody\r\n"
    row = deliver(raw, mailbox, envelope_from="bob@example.org")
    assert row.status == IntakeStatus.PROCESSED
    assert row.ticket is not None
    assert row.ticket.participants.get().address == "bob@example.org"


def test_mail_from_our_own_mailbox_is_ignored(mailbox: Mailbox) -> None:
    row = deliver(make_email(sender="Support <support@example.com>"), mailbox)
    assert row.status == IntakeStatus.IGNORED
    assert "loop" in row.status_reason


def test_imported_history_is_not_acknowledged(mailbox: Mailbox) -> None:
    row = deliver(make_email(), mailbox, source=Source.IMPORT)
    assert row.status == IntakeStatus.PROCESSED
    assert OutboundEmail.objects.count() == 0


def test_bulk_mail_becomes_a_ticket_without_acknowledgement(mailbox: Mailbox) -> None:
    raw = make_email(headers={"List-Id": "<news.example.org>", "Precedence": "bulk"})
    row = deliver(raw, mailbox)
    assert row.status == IntakeStatus.PROCESSED
    assert row.ticket is not None
    assert OutboundEmail.objects.count() == 0


def test_acknowledgements_are_rate_limited_per_address(
    mailbox: Mailbox, settings: Settings
) -> None:
    settings.CAREDESK_ACK_LIMIT_PER_HOUR = 3
    for n in range(5):
        deliver(make_email(subject=f"question {n}"), mailbox)
    assert Ticket.objects.count() == 5
    assert OutboundEmail.objects.filter(kind="acknowledgement").count() == 3


def test_attachments_are_stored_with_their_content(mailbox: Mailbox) -> None:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "jane@example.net"
    msg["To"] = "support@example.com"
    msg["Subject"] = "invoice attached"
    msg["Message-ID"] = "<att-1@example.net>"
    msg.set_content("see attached")
    payload = bytes(range(256)) * 40
    msg.add_attachment(payload, maintype="application", subtype="pdf", filename="Rechnung März.pdf")
    row = deliver(msg.as_bytes(), mailbox)
    assert row.ticket_message is not None
    attachment = row.ticket_message.attachments.get()
    assert attachment.filename == "Rechnung März.pdf"
    assert attachment.size == len(payload)
    assert attachment.file.read() == payload


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=st.binary(max_size=3000))
def test_arbitrary_bytes_are_always_stored_and_never_crash_intake(
    mailbox: Mailbox, raw: bytes
) -> None:
    row = deliver(raw, mailbox, envelope_from="fuzz@example.org")
    stored = InboundMessage.objects.get(pk=row.pk)
    assert bytes(stored.raw) == raw
    assert stored.status in (IntakeStatus.PROCESSED, IntakeStatus.IGNORED)


def test_one_failing_email_in_a_batch_is_quarantined_alone(
    mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    import caredesk.inbound.process as process
    import caredesk.inbound.record as record
    from caredesk.inbound.messages import inbound_message_build as real
    from caredesk.inbound.receive import inbound_receive

    def flaky(**kwargs: Any) -> Message:
        if kwargs["parsed"].subject == "poison":
            raise RuntimeError("storage hiccup for this one email")
        return real(**kwargs)

    monkeypatch.setattr(record, "inbound_message_build", flaky)
    subjects = ["first", "poison", "third"]
    rows = [
        inbound_receive(
            raw=make_email(subject=s, sender=f"{s}@example.net"),
            mailbox_id=mailbox.pk,
            source=Source.SMTP,
            process=False,
        )
        for s in subjects
    ]
    done = process.inbound_process_waiting()
    assert list(done.values()) == ["processed", "quarantined", "processed"]
    poisoned = InboundMessage.objects.get(pk=rows[1].pk)
    assert "storage hiccup" in poisoned.status_reason
    assert poisoned.ticket_id is None
    # Its half-made ticket and customer were rolled back with its savepoint.
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["first", "third"]
    assert OutboundEmail.objects.count() == 2

    # Once the cause is gone, reprocessing the stored bytes finishes the job.
    monkeypatch.setattr(record, "inbound_message_build", real)
    assert intake_reprocess(ids=[rows[1].pk], quarantined=False) == [
        (rows[1].pk, IntakeStatus.PROCESSED)
    ]
    assert Ticket.objects.count() == 3


def _texts(instance: Any) -> list[str]:
    """Every text and JSON value stored on a row, flattened to strings."""
    out: list[str] = []
    for f in instance._meta.concrete_fields:
        value = getattr(instance, f.attname)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list | dict):
            out.append(repr(value))
    return out


def test_nul_anywhere_in_an_email_is_stripped_from_everything_stored(mailbox: Mailbox) -> None:
    from tests.conftest import eml

    # NUL in an encoded display name, an encoded subject, a charset parameter (which reaches the
    # defects list) and an RFC 2231 filename: PostgreSQL refuses NUL in text and in JSON.
    row = deliver(eml("nul-in-charset.eml"), mailbox)

    assert row.status == IntakeStatus.PROCESSED, row.status_reason
    ticket = row.ticket
    assert ticket is not None
    message = ticket.messages.get(kind=MessageKind.CUSTOMER)
    assert "order 10501" in message.new_text and "café" in message.new_text
    assert any("declared utf-8evil" in defect for defect in message.defects)
    rows = [row, ticket, message, ticket.customer, *message.attachments.all()]
    rows += [*ticket.events.all(), *ticket.participants.all(), *ticket.customer.addresses.all()]
    for stored in rows:
        for text in _texts(stored):
            assert "\x00" not in text and "\\x00" not in text and "\\u0000" not in text, stored
    # In a filename, control characters become a space.
    assert [a.filename for a in message.attachments.all()] == ["receipt copy.txt"]
