"""Emails processed together in one batch end up exactly as if they had come one by one."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from caredesk.accounts.models import Agent
from caredesk.customers.models import Customer, CustomerAddress
from caredesk.inbound.models import InboundMessage, IntakeStatus, Source
from caredesk.inbound.process import inbound_process_waiting
from caredesk.inbound.receive import inbound_receive
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail
from caredesk.tickets.models import Message, Participant, Status, Ticket, TicketEvent
from caredesk.tickets.services import ticket_set_status
from tests.conftest import deliver_ticket, eml, ticket_of
from tests.mail import make_email

pytestmark = pytest.mark.django_db


def _store(mailbox: Mailbox, *emails: bytes) -> list[InboundMessage]:
    return [
        inbound_receive(raw=raw, mailbox_id=mailbox.pk, source=Source.SMTP, process=False)
        for raw in emails
    ]


def _one_batch(rows: list[InboundMessage]) -> list[InboundMessage]:
    done = inbound_process_waiting(limit=len(rows))
    assert set(done) == {row.pk for row in rows}
    return [InboundMessage.objects.get(pk=row.pk) for row in rows]


@pytest.mark.parametrize("reply_first", [False, True])
def test_a_first_email_and_its_reply_in_one_batch_share_a_ticket(
    mailbox: Mailbox, reply_first: bool
) -> None:
    first = make_email(message_id="<q1@example.net>", subject="Refund")
    reply = make_email(
        message_id="<q2@example.net>",
        subject="Re: Refund",
        in_reply_to="<q1@example.net>",
        references=["<q1@example.net>"],
    )
    rows = _one_batch(_store(mailbox, *([reply, first] if reply_first else [first, reply])))
    assert [r.status for r in rows] == [IntakeStatus.PROCESSED] * 2
    assert rows[0].ticket_id == rows[1].ticket_id
    ticket = Ticket.objects.get()
    assert ticket.messages.filter(kind="customer").count() == 2
    assert rows[0].status_reason == "new ticket"
    assert rows[1].status_reason == "joined via references"
    # One acknowledgement, answering whichever email opened the ticket.
    ack = OutboundEmail.objects.get(kind="acknowledgement")
    assert ack.in_reply_to == ("q2@example.net" if reply_first else "q1@example.net")
    assert ack.ticket_id == ticket.pk
    assert f"[#{ticket.pk}]" in ack.subject


def test_the_same_email_twice_in_one_batch_is_one_message(mailbox: Mailbox) -> None:
    raw = make_email(message_id="<twice@example.net>")
    rows = _one_batch(_store(mailbox, raw, raw))
    assert [r.status for r in rows] == [IntakeStatus.PROCESSED, IntakeStatus.IGNORED]
    message = Message.objects.get(message_id="twice@example.net")
    assert rows[1].ticket_message_id == message.pk == rows[0].ticket_message_id
    assert rows[1].status_reason == f"duplicate of a message on ticket #{message.ticket_id}"
    assert OutboundEmail.objects.count() == 1


def test_one_new_customer_writing_twice_in_a_batch_is_one_customer(
    mailbox: Mailbox, settings: Settings
) -> None:
    settings.CAREDESK_ACK_LIMIT_PER_HOUR = 3
    emails = [
        make_email(sender="Ana Lima <ana@example.org>", subject=f"Question {n}") for n in range(5)
    ]
    rows = _one_batch(_store(mailbox, *emails))
    assert len({r.ticket_id for r in rows}) == 5
    assert Customer.objects.count() == 1
    assert CustomerAddress.objects.get().customer.name == "Ana Lima"
    # The hourly limit counts the acknowledgements of the batch itself.
    assert OutboundEmail.objects.filter(kind="acknowledgement").count() == 3
    assert TicketEvent.objects.filter(kind="acknowledgement_skipped").count() == 2


def test_a_batch_joining_a_split_conversation_merges_it(mailbox: Mailbox) -> None:
    """Two tickets hold parts of one conversation; an email of a batch points at both."""
    t1 = deliver_ticket(make_email(message_id="<p1@example.net>"), mailbox)
    t2 = deliver_ticket(make_email(message_id="<p2@example.net>", subject="Other"), mailbox)
    before = make_email(message_id="<n1@example.net>", subject="Unrelated, new")
    joining = make_email(
        message_id="<p3@example.net>", references=["<p1@example.net>", "<p2@example.net>"]
    )
    after = make_email(message_id="<p4@example.net>", in_reply_to="<p3@example.net>")
    rows = _one_batch(_store(mailbox, before, joining, after))
    assert [r.status for r in rows] == [IntakeStatus.PROCESSED] * 3
    survivor = Ticket.objects.get(pk=t1.pk)
    assert rows[1].ticket_id == rows[2].ticket_id == survivor.pk
    assert Ticket.objects.get(pk=t2.pk).merged_into_id == survivor.pk
    assert rows[0].ticket_id not in (t1.pk, t2.pk)
    assert survivor.messages.filter(kind="customer").count() == 4


def test_replies_in_a_batch_reopen_and_add_participants(mailbox: Mailbox, agent: Agent) -> None:
    ticket = deliver_ticket(make_email(message_id="<s1@example.net>"), mailbox)
    ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=agent)
    reply = make_email(
        message_id="<s2@example.net>",
        in_reply_to="<s1@example.net>",
        cc="Boss <boss@example.net>",
    )
    other = make_email(sender="new@example.org", message_id="<s3@example.net>", subject="New")
    rows = _one_batch(_store(mailbox, reply, other))
    ticket.refresh_from_db()
    assert rows[0].ticket_id == ticket.pk
    assert ticket.status == Status.OPEN
    assert ticket.solved_at is None
    assert ticket.last_customer_message_at is not None
    assert TicketEvent.objects.filter(
        ticket=ticket, kind="status_changed", data__new="open"
    ).exists()
    assert set(Participant.objects.filter(ticket=ticket).values_list("address", flat=True)) == {
        "jane@example.net",
        "boss@example.net",
    }
    assert rows[1].ticket_id != ticket.pk


def test_a_reply_to_a_closed_ticket_in_a_batch_starts_a_follow_up(
    mailbox: Mailbox, agent: Agent
) -> None:
    ticket = deliver_ticket(make_email(message_id="<c1@example.net>"), mailbox)
    ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=agent)
    ticket_set_status(ticket=ticket, status=Status.CLOSED, actor=agent)
    reply = make_email(message_id="<c2@example.net>", in_reply_to="<c1@example.net>")
    rows = _one_batch(_store(mailbox, reply))
    follow_up = ticket_of(rows[0])
    assert follow_up.pk != ticket.pk
    created = TicketEvent.objects.get(ticket=follow_up, kind="created")
    assert created.data["follow_up_of"] == ticket.pk
    # The same customer, not a new one.
    assert follow_up.customer_id == ticket.customer_id


def test_priority_is_detected_on_arrival_with_the_reason(mailbox: Mailbox) -> None:
    rows = _one_batch(
        _store(
            mailbox,
            make_email(subject="Invoice 88", body="You charged twice for my order!\n"),
            make_email(subject="Question", body="Where can I change my address?\n"),
            make_email(
                subject="Re: older",
                body="Thanks.\n\nOn Monday Ann wrote:\n> I was charged twice, sorry\n",
            ),
        )
    )
    urgent, normal, quoted = (ticket_of(r) for r in rows)
    assert urgent.priority == "urgent"
    event = TicketEvent.objects.get(ticket=urgent, kind="priority_set")
    assert event.data == {
        "priority": "urgent",
        "previous": None,
        "why": 'charged twice: "charged twice"',
        "by": "detection",
    }
    assert normal.priority == "normal"
    # Words in the quoted history are not what the customer says now.
    assert quoted.priority == "normal"
    assert not TicketEvent.objects.filter(kind="priority_set").exclude(ticket=urgent).exists()


def test_customers_answering_an_announcement_in_one_batch_get_a_ticket_each(
    mailbox: Mailbox,
) -> None:
    """The same as one by one: an id caredesk never sent joins only its own sender's emails,
    also within a batch."""
    rows = _one_batch(_store(mailbox, *(eml(f"announcement-reply-{i}.eml") for i in (1, 2, 3))))
    assert [r.status for r in rows] == [IntakeStatus.PROCESSED] * 3
    assert len({r.ticket_id for r in rows}) == 3
    for i, row in enumerate(rows, start=1):
        ticket = ticket_of(row)
        assert list(ticket.participants.values_list("address", flat=True)) == [
            f"customer{i}@example.org"
        ]
        assert ticket.messages.filter(kind="acknowledgement").count() == 1
