"""Outgoing mail: outbox rows, delivery through a real SMTP relay, retries, bounces."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from pytest_django import Settings

from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.customers.models import CustomerAddress
from caredesk.inbound.models import IntakeStatus
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import DeliveryStatus, OutboundEmail
from caredesk.outbound.services import outbound_deliver, outbound_due_ids
from caredesk.tickets.models import MessageKind, Status, Ticket
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.services import ticket_add_note
from tests.conftest import deliver, deliver_ticket
from tests.mail import SmtpSink, make_email, mid, plain_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_acknowledgement_reaches_the_relay_threaded_under_the_customer_email(
    mailbox: Mailbox, relay: SmtpSink
) -> None:
    raw = make_email(subject="Can't log in")
    ticket = deliver_ticket(raw, mailbox)
    (got,) = relay.wait_for(1)
    assert got.rcpt_tos == ["jane@example.net"]
    assert got.mail_from.startswith("support+b-") and got.mail_from.endswith("@example.com")
    assert got.message["In-Reply-To"] == f"<{mid(raw)}>"
    assert got.message["Auto-Submitted"] == "auto-replied"
    assert f"[#{ticket.pk}]" in got.message["Subject"]
    assert OutboundEmail.objects.get().status == DeliveryStatus.SENT


def test_agent_reply_is_delivered_with_thread_headers_and_token_reply_to(
    mailbox: Mailbox, agent: Agent, relay: SmtpSink
) -> None:
    raw = make_email(cc="boss@example.net")
    ticket = deliver_ticket(raw, mailbox)
    relay.wait_for(1)
    agent.signature = "Ann, Example Support"
    agent.save()
    message = ticket_reply(
        ticket=ticket, author=agent, text="It ships tomorrow.", status_after=Status.PENDING
    )
    got = relay.wait_for(2)[-1]
    assert sorted(got.rcpt_tos) == ["boss@example.net", "jane@example.net"]
    assert got.message["Message-ID"] == f"<{message.message_id}>"
    assert got.message["In-Reply-To"] == f"<{mid(raw)}>"
    assert mid(raw) in got.message["References"]
    assert f"support+{ticket.reply_token}@example.com" in got.message["Reply-To"]
    assert "It ships tomorrow." in plain_text(got.message)
    assert "Ann, Example Support" in plain_text(got.message)
    assert "Auto-Submitted" not in got.message
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert OutboundEmail.objects.get(ticket_message=message).status == DeliveryStatus.SENT

    # The customer answers the reply: it threads into the same ticket and reopens it.
    answer = make_email(in_reply_to=f"<{message.message_id}>", subject="Re: thanks")
    assert deliver(answer, mailbox).ticket_id == ticket.pk
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_internal_note_is_never_emailed(mailbox: Mailbox, agent: Agent, relay: SmtpSink) -> None:
    ticket = deliver_ticket(make_email(), mailbox)
    relay.wait_for(1)
    note = ticket_add_note(ticket=ticket, author=agent, text="VIP, handle with care")
    assert note.kind == MessageKind.NOTE
    assert OutboundEmail.objects.count() == 1
    assert len(relay.wait_for(2, timeout=0.5)) == 1


def test_failed_delivery_is_retried_with_backoff_then_shown_on_the_ticket(
    mailbox: Mailbox, agent: Agent, settings: Settings
) -> None:
    # A relay that is not listening: every attempt fails as "unreachable".
    from tests.conftest import free_port

    settings.CAREDESK_SMTP_RELAY = f"smtp://127.0.0.1:{free_port()}"
    settings.CAREDESK_OUTBOUND_TRANSPORT = "caredesk.outbound.transports.SmtpRelayTransport"
    settings.CAREDESK_DELIVERY_MAX_ATTEMPTS = 3
    settings.CAREDESK_DELIVERY_BACKOFF_SECONDS = 30
    start = clock.now()
    with clock.frozen_at(start):
        ticket = deliver_ticket(make_email(), mailbox)
        email = OutboundEmail.objects.get()
        email.refresh_from_db()
        assert email.status == DeliveryStatus.QUEUED and email.attempts == 1
        assert "unreachable" in email.last_error
        assert email.next_attempt_at == start + timedelta(seconds=30)
        assert outbound_due_ids() == []  # not before its time

        clock.advance(timedelta(seconds=30))
        assert outbound_due_ids() == [email.pk]
        assert outbound_deliver(outbound_id=email.pk) == DeliveryStatus.QUEUED
        email.refresh_from_db()
        assert email.next_attempt_at == clock.now() + timedelta(seconds=60)  # doubled

        clock.advance(timedelta(seconds=60))
        assert outbound_deliver(outbound_id=email.pk) == DeliveryStatus.FAILED
    email.refresh_from_db()
    assert email.attempts == 3
    event = ticket.events.get(kind="delivery_failed")
    assert event.data["recipients"] == 1 and "unreachable" in event.data["error"]


def test_relay_refusing_the_recipient_fails_at_once(mailbox: Mailbox, relay: SmtpSink) -> None:
    relay.handler.refuse["jane@example.net"] = "550 5.1.1 No such user"
    ticket = deliver_ticket(make_email(), mailbox)
    email = OutboundEmail.objects.get()
    assert email.status == DeliveryStatus.FAILED
    assert email.attempts == 1
    assert "550" in email.last_error
    assert ticket.events.filter(kind="delivery_failed").exists()


def test_delivering_twice_sends_once(mailbox: Mailbox, relay: SmtpSink) -> None:
    deliver(make_email(), mailbox)
    relay.wait_for(1)
    email = OutboundEmail.objects.get()
    assert outbound_deliver(outbound_id=email.pk) == "skipped"
    assert len(relay.wait_for(2, timeout=0.3)) == 1


def _dsn(original_message_id: str, *, rcpt: str = "jane@example.net") -> bytes:
    return f"""From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: support@example.com
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-{original_message_id}>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain

Your message could not be delivered.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; {rcpt}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--BOUNDARY
Content-Type: text/rfc822-headers

From: support@example.com
Message-ID: <{original_message_id}>
Subject: Re: My order has not arrived

--BOUNDARY--
""".replace("\n", "\r\n").encode()


def test_bounce_of_our_acknowledgement_marks_it_failed_and_flags_the_address(
    mailbox: Mailbox, relay: SmtpSink
) -> None:
    ticket = deliver_ticket(make_email(), mailbox)
    relay.wait_for(1)
    ack = OutboundEmail.objects.get()
    row = deliver(_dsn(ack.message_id), mailbox)
    assert row.status == IntakeStatus.PROCESSED
    ack.refresh_from_db()
    assert ack.status == DeliveryStatus.FAILED
    assert "user unknown" in ack.last_error
    assert ticket.events.get(kind="bounced").data["recipients"] == 1
    assert CustomerAddress.objects.get(address="jane@example.net").bounced_at is not None
    assert Ticket.objects.count() == 1  # a bounce never becomes a ticket


def test_bounce_found_by_its_return_path_token(mailbox: Mailbox, relay: SmtpSink) -> None:
    deliver(make_email(), mailbox)
    got = relay.wait_for(1)[0]
    ack = OutboundEmail.objects.get()
    row = deliver(_dsn("unknown-id@elsewhere.example"), mailbox, envelope_to=[got.mail_from])
    assert row.status == IntakeStatus.PROCESSED
    ack.refresh_from_db()
    assert ack.status == DeliveryStatus.FAILED


def test_bounce_for_mail_we_never_sent_is_ignored_not_a_ticket(mailbox: Mailbox) -> None:
    row = deliver(_dsn("never-sent@example.com"), mailbox)
    assert row.status == IntakeStatus.IGNORED
    assert Ticket.objects.count() == 0


def test_sink_fixture_is_a_real_server(sink: SmtpSink) -> None:
    import smtplib

    with smtplib.SMTP("127.0.0.1", sink.port) as client:
        client.sendmail("a@example.com", ["b@example.com"], b"Subject: hi\r\n\r\nhi\r\n")
    assert sink.wait_for(1)[0].rcpt_tos == ["b@example.com"]


def test_merged_ticket_refuses_replies_notes_and_status_changes(
    mailbox: Mailbox, agent: Agent
) -> None:
    from caredesk.core.errors import InvalidRequest
    from caredesk.tickets.services import ticket_merge

    source = deliver_ticket(make_email(subject="one"), mailbox)
    target = deliver_ticket(make_email(subject="two", sender="bob@example.org"), mailbox)
    ticket_merge(source=source, target=target, actor=agent, reason="same issue")
    source.refresh_from_db()
    acts: list[Callable[[], object]] = [
        lambda: ticket_reply(ticket=source, author=agent, text="hello"),
        lambda: ticket_add_note(ticket=source, author=agent, text="note"),
    ]
    for act in acts:
        with pytest.raises(InvalidRequest, match=f"merged into #{target.pk}"):
            act()


def test_reply_rejects_bad_cc_and_strips_nul(mailbox: Mailbox, agent: Agent) -> None:
    from caredesk.core.errors import InvalidRequest

    ticket = deliver_ticket(make_email(), mailbox)
    with pytest.raises(InvalidRequest, match="not an email address"):
        ticket_reply(ticket=ticket, author=agent, text="hi", cc=["a@"])
    message = ticket_reply(ticket=ticket, author=agent, text="hi\x00 there")
    assert message.new_text == "hi there"
