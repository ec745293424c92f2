"""Addresses beyond ASCII (jdöe@mächine.example): sent over SMTPUTF8 when the relay offers it,
failed with the reason when it does not, and never a poisoned connection for the next email."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_django import Settings

from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import DeliveryStatus, OutboundEmail
from caredesk.outbound.services import outbound_deliver_due
from caredesk.outbound.transports import Envelope, SmtpRelayTransport
from caredesk.tickets.models import Message
from tests.conftest import deliver_ticket, eml, free_port
from tests.mail import SmtpSink, make_email

pytestmark = pytest.mark.django_db(transaction=True)

FIXTURE = "internationalised-address-smtputf8.eml"
CUSTOMER = "jdöe@mächine.example"
ON_THE_WIRE = "jdöe@xn--mchine-bua.example"  # the domain in its IDNA form; the local part UTF-8


def _relay(settings: Settings, *, smtputf8: bool) -> Iterator[SmtpSink]:
    sink = SmtpSink(free_port(), smtputf8=smtputf8)
    sink.start()
    settings.CAREDESK_SMTP_RELAY = sink.url
    settings.CAREDESK_OUTBOUND_TRANSPORT = "caredesk.outbound.transports.SmtpRelayTransport"
    yield sink
    sink.stop()


@pytest.fixture
def utf8_relay(settings: Settings) -> Iterator[SmtpSink]:
    yield from _relay(settings, smtputf8=True)


@pytest.fixture
def ascii_relay(settings: Settings) -> Iterator[SmtpSink]:
    yield from _relay(settings, smtputf8=False)


def _queued(mailbox: Mailbox, to: str, n: int) -> OutboundEmail:
    return OutboundEmail.objects.create(
        mailbox=mailbox,
        kind="reply",
        to=[to],
        recipient=to,
        subject=f"Re: order {n}",
        text="It ships tomorrow.",
        message_id=f"caredesk.0.smtputf8{n}@example.com",
    )


def test_relay_offering_smtputf8_gets_the_address_and_the_next_email(
    mailbox: Mailbox, utf8_relay: SmtpSink
) -> None:
    ticket = deliver_ticket(eml(FIXTURE), mailbox)
    assert Message.objects.get(ticket=ticket, kind="customer").from_address == CUSTOMER
    (ack,) = utf8_relay.wait_for(1)
    assert ack.rcpt_tos == [ON_THE_WIRE]
    assert ack.message["To"] == ON_THE_WIRE  # raw UTF-8 (RFC 6532), not an encoded-word
    assert OutboundEmail.objects.get(ticket=ticket).status == DeliveryStatus.SENT

    deliver_ticket(make_email(sender="bob@example.org"), mailbox)
    assert [r.rcpt_tos for r in utf8_relay.wait_for(2)] == [[ON_THE_WIRE], ["bob@example.org"]]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_relay_without_smtputf8_fails_that_email_with_the_reason_and_sends_the_next(
    mailbox: Mailbox, ascii_relay: SmtpSink
) -> None:
    ticket = deliver_ticket(eml(FIXTURE), mailbox)
    failed = OutboundEmail.objects.get(ticket=ticket)
    assert failed.status == DeliveryStatus.FAILED
    assert failed.attempts == 1  # retrying cannot help until the relay changes
    assert "does not offer SMTPUTF8" in failed.last_error and CUSTOMER[:4] in failed.last_error
    event = ticket.events.get(kind="delivery_failed")
    assert "SMTPUTF8" in event.data["error"]

    other = deliver_ticket(make_email(sender="bob@example.org"), mailbox)
    (got,) = ascii_relay.wait_for(1)
    assert got.rcpt_tos == ["bob@example.org"]
    assert OutboundEmail.objects.get(ticket=other).status == DeliveryStatus.SENT


def test_one_email_failing_in_a_batch_does_not_touch_the_others(
    mailbox: Mailbox, ascii_relay: SmtpSink
) -> None:
    first = _queued(mailbox, "ann@example.org", 1)
    bad = _queued(mailbox, CUSTOMER, 2)
    rest = [_queued(mailbox, f"c{n}@example.org", n) for n in range(3, 6)]
    outcome = outbound_deliver_due()
    assert outcome[bad.pk] == DeliveryStatus.FAILED
    assert {pk: s for pk, s in outcome.items() if pk != bad.pk} == {
        e.pk: DeliveryStatus.SENT for e in [first, *rest]
    }
    assert len(ascii_relay.wait_for(4)) == 4


def test_a_domain_beyond_ascii_alone_needs_no_smtputf8(
    mailbox: Mailbox, ascii_relay: SmtpSink
) -> None:
    email = _queued(mailbox, "jane@mächine.example", 1)
    assert outbound_deliver_due() == {email.pk: DeliveryStatus.SENT}
    (got,) = ascii_relay.wait_for(1)
    assert got.rcpt_tos == ["jane@xn--mchine-bua.example"]
    assert got.message["To"] == "jane@xn--mchine-bua.example"


class _Unchecked(Envelope):
    """An envelope that claims to need no SMTPUTF8: smtplib then fails to encode RCPT after
    MAIL FROM was accepted, the very state that used to poison the kept-open connection."""

    @property
    def needs_smtputf8(self) -> bool:
        return False


def test_any_exception_mid_transaction_resets_the_kept_open_connection(
    ascii_relay: SmtpSink,
) -> None:
    transport = SmtpRelayTransport(ascii_relay.url)
    ok = b"Subject: fine\r\n\r\nfine\r\n"
    transport.send(Envelope("support@example.com", ("a@example.org",), ok))
    with pytest.raises(UnicodeEncodeError):
        transport.send(_Unchecked("support@example.com", (CUSTOMER,), ok))
    # Without the reset, this one got "503 nested MAIL command" and failed for good.
    transport.send(Envelope("support@example.com", ("b@example.org",), ok))
    assert [r.rcpt_tos for r in ascii_relay.wait_for(2)] == [["a@example.org"], ["b@example.org"]]
