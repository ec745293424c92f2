"""A conversation that arrives in parts gets one acknowledgement, naming the ticket that stays.

A new ticket opened by an email that answers one caredesk does not hold waits
CAREDESK_ACK_HOLD_SECONDS before it is acknowledged: the rest of the conversation may still be
on its way (out of order, or on another worker). When the parts are merged, an acknowledgement
that went out stays the only one, and the ticket it named is the one kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from caredesk.core import clock
from caredesk.history.kinds import EventKind
from caredesk.inbound.process import inbound_process
from caredesk.inbound.receive import inbound_receive
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import DeliveryStatus, OutboundEmail
from caredesk.outbound.services import outbound_deliver_due
from caredesk.outbound.transports import MemoryTransport
from caredesk.tickets.models import Message, MessageKind, Ticket
from caredesk.tickets.services import ticket_merge
from tests.conftest import deliver_ticket
from tests.mail import make_email

CUSTOMER = "Ana Lima <ana@example.net>"


@pytest.fixture
def moment() -> Iterator[None]:
    with clock.frozen_at(timezone.now()):
        yield


def chain(n: int) -> list[bytes]:
    """Emails 0..n-1 of one customer, each answering the one before with In-Reply-To only."""
    emails = []
    for i in range(n):
        emails.append(
            make_email(
                sender=CUSTOMER,
                subject="Refund for order 77" if i == 0 else "Re: Refund for order 77",
                message_id=f"<part-{i}@example.net>",
                in_reply_to=f"<part-{i - 1}@example.net>" if i else None,
                body=f"Part {i} of what I have to say.\n",
            )
        )
    return emails


def acks_sent() -> list[str]:
    """The subjects of the acknowledgements handed to the relay once a worker sent what is due
    now."""
    outbound_deliver_due()
    return subjects()


def subjects() -> list[str]:
    """The subjects of the acknowledgements handed to the relay so far."""
    return [
        e.data.decode().split("Subject: ", 1)[1].split("\r\n", 1)[0]
        for e in MemoryTransport.sent
        if b"We have your message" in e.data
    ]


def after_the_hold() -> None:
    clock.advance(timedelta(seconds=11))
    outbound_deliver_due()


def live(ticket: Ticket) -> Ticket:
    ticket.refresh_from_db()
    while ticket.merged_into is not None:
        ticket = ticket.merged_into
    return ticket


@pytest.mark.django_db
def test_a_new_conversation_is_acknowledged_at_once(mailbox: Mailbox, moment: None) -> None:
    ticket = deliver_ticket(chain(1)[0], mailbox)
    assert acks_sent() == [f"Re: Refund for order 77 [{ticket.reference}]"]


@pytest.mark.django_db
def test_an_answer_to_an_email_we_do_not_hold_waits_for_its_conversation(
    mailbox: Mailbox, moment: None
) -> None:
    first, second, third = chain(3)
    late = deliver_ticket(third, mailbox)  # answers `second`, which is not here yet
    assert acks_sent() == []
    ack = OutboundEmail.objects.get(ticket=late, kind="acknowledgement")
    assert ack.next_attempt_at == clock.now() + timedelta(seconds=10)

    root = deliver_ticket(first, mailbox)  # a conversation of its own, for now: told at once
    assert acks_sent() == [f"Re: Refund for order 77 [{root.reference}]"]
    assert late.pk < root.pk

    joined = deliver_ticket(second, mailbox)  # names both parts: they are one conversation
    assert joined.pk == root.pk  # merged into the ticket the customer was told about
    assert live(late) == root
    after_the_hold()
    assert acks_sent() == [f"Re: Refund for order 77 [{root.reference}]"]  # and only that one
    assert not OutboundEmail.objects.filter(pk=ack.pk).exists()
    assert not Message.objects.filter(ticket=root, kind=MessageKind.ACKNOWLEDGEMENT).exclude(
        outbound__status=DeliveryStatus.SENT
    )
    assert root.events.filter(kind=EventKind.ACKNOWLEDGEMENT_SKIPPED).exists()
    assert root.messages.filter(kind=MessageKind.CUSTOMER).count() == 3


@pytest.mark.django_db
def test_parts_merged_before_any_acknowledgement_get_one_naming_the_ticket_kept(
    mailbox: Mailbox, moment: None
) -> None:
    emails = chain(4)
    last = deliver_ticket(emails[3], mailbox)  # answers part 2
    middle = deliver_ticket(emails[1], mailbox)  # answers part 0
    assert last.pk != middle.pk and acks_sent() == []
    deliver_ticket(emails[2], mailbox)  # answers part 1 and is answered by part 3: joins both
    kept = live(last)
    assert live(middle) == kept
    after_the_hold()
    assert acks_sent() == [f"Re: Refund for order 77 [{kept.reference}]"]
    (ack,) = OutboundEmail.objects.filter(kind="acknowledgement")
    assert ack.ticket_id == kept.pk and kept.reference in ack.text


@pytest.mark.django_db
def test_an_agent_merge_renames_the_waiting_acknowledgement(mailbox: Mailbox, moment: None) -> None:
    one = deliver_ticket(
        make_email(sender=CUSTOMER, subject="Re: Printer", in_reply_to="<gone@example.net>"),
        mailbox,
    )
    two = deliver_ticket(
        make_email(sender=CUSTOMER, subject="Re: Scanner", in_reply_to="<lost@example.net>"),
        mailbox,
    )
    ticket_merge(source=one, target=two, actor=None, reason="same customer, same problem")
    after_the_hold()
    (subject,) = acks_sent()
    assert subject == f"Re: Printer [{two.reference}]"  # the older one, now naming the ticket kept
    (entry,) = Message.objects.filter(kind=MessageKind.ACKNOWLEDGEMENT)
    assert entry.ticket_id == two.pk and two.reference in entry.text
    assert one.reference not in entry.text


@pytest.mark.django_db
def test_a_follow_up_to_a_closed_ticket_is_acknowledged_at_once(
    mailbox: Mailbox, moment: None
) -> None:
    first = deliver_ticket(chain(1)[0], mailbox)
    Ticket.objects.filter(pk=first.pk).update(status="closed")
    follow_up = deliver_ticket(chain(2)[1], mailbox)
    assert follow_up.pk != first.pk
    assert acks_sent()[-1] == f"Re: Refund for order 77 [{follow_up.reference}]"


@pytest.mark.django_db
def test_a_held_acknowledgement_waits_for_older_emails_and_goes_when_they_are_read(
    mailbox: Mailbox,
    moment: None,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    waiting = inbound_receive(
        raw=make_email(sender="other@example.org", subject="Unrelated"),
        mailbox_id=mailbox.pk,
        source="smtp",
        process=False,
    )  # received first, not read yet (a backlog)
    clock.advance(timedelta(seconds=1))
    late = deliver_ticket(chain(3)[2], mailbox)
    clock.advance(timedelta(seconds=11))  # the hold is over ...
    assert acks_sent() == []  # ... but an older email may still join this conversation
    with django_capture_on_commit_callbacks(execute=True):
        inbound_process(intake_id=waiting.pk)
    # Read: the acknowledgement goes without waiting for the next sweep.
    assert [s for s in subjects() if late.reference in s] == [
        f"Re: Refund for order 77 [{late.reference}]"
    ]


@pytest.mark.django_db
def test_a_backlog_holds_an_acknowledgement_no_longer_than_the_bound(
    mailbox: Mailbox, moment: None
) -> None:
    inbound_receive(
        raw=make_email(sender="other@example.org"), mailbox_id=mailbox.pk, source="smtp",
        process=False,
    )  # fmt: skip
    clock.advance(timedelta(seconds=1))
    late = deliver_ticket(chain(3)[2], mailbox)
    clock.advance(timedelta(seconds=119))
    assert acks_sent() == []
    clock.advance(timedelta(seconds=2))  # 120 s: a stuck email no longer holds it
    assert acks_sent() == [f"Re: Refund for order 77 [{late.reference}]"]
