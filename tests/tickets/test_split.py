"""Splitting a customer's message into a new ticket, and how email threads follow the split."""

from __future__ import annotations

import pytest

from caredesk.accounts.models import Agent
from caredesk.core.errors import InvalidRequest
from caredesk.inbound.models import InboundMessage
from caredesk.mailboxes.models import Mailbox
from caredesk.sla.models import SlaTimer
from caredesk.tickets.models import Message, MessageKind, Status, Ticket
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.services import ticket_add_note, ticket_merge
from caredesk.tickets.split import split_subject, ticket_split
from tests.conftest import deliver, deliver_ticket
from tests.mail import make_email

FIRST = "<first@example.net>"
SECOND = "<second@example.net>"


def conversation(mailbox: Mailbox) -> tuple[Ticket, Message]:
    """A ticket with two customer emails, the second about something else."""
    ticket = deliver_ticket(make_email(subject="Order 1234 is late", message_id=FIRST), mailbox)
    second = make_email(
        subject=f"Re: Order 1234 is late [#{ticket.pk}]",
        message_id=SECOND,
        in_reply_to=FIRST,
        references=[FIRST],
        body="Also: I cannot log in since yesterday.\n",
    )
    assert deliver(second, mailbox).ticket_id == ticket.pk
    return ticket, ticket.messages.get(message_id="second@example.net")


def test_the_message_moves_to_a_new_ticket_with_events_on_both(
    mailbox: Mailbox, agent: Agent
) -> None:
    ticket, message = conversation(mailbox)
    new = ticket_split(message=message, actor=agent)

    assert new.pk != ticket.pk
    assert (new.mailbox_id, new.customer_id) == (ticket.mailbox_id, ticket.customer_id)
    assert new.subject == "Order 1234 is late"
    assert new.status == Status.NEW
    assert list(new.messages.values_list("pk", flat=True)) == [message.pk]
    assert not ticket.messages.filter(pk=message.pk).exists()
    assert list(new.participants.values_list("address", "role")) == [
        ("jane@example.net", "requester")
    ]
    into = ticket.events.get(kind="split_into")
    assert (into.actor, into.data["into"], into.data["message"]) == (agent, new.pk, message.pk)
    came = new.events.get(kind="split_from")
    assert (came.actor, came.data["source"]) == (agent, ticket.pk)
    assert new.events.get(kind="created").data["split_from"] == ticket.pk
    # The new ticket waits for a first reply like one an email opened.
    assert SlaTimer.objects.filter(ticket=new, kind="first_reply", state="running").exists()
    ticket.refresh_from_db()
    first = ticket.messages.get(message_id="first@example.net")
    assert ticket.last_customer_message_at == first.created_at


def test_the_old_ticket_stops_owing_a_reply_for_the_message_that_left(
    mailbox: Mailbox, agent: Agent
) -> None:
    ticket = deliver_ticket(make_email(subject="Order late", message_id=FIRST), mailbox)
    ticket_reply(ticket=ticket, author=agent, text="It ships today.")
    later = make_email(message_id=SECOND, in_reply_to=FIRST, body="And my login fails.\n")
    assert deliver(later, mailbox).ticket_id == ticket.pk
    waiting = SlaTimer.objects.get(ticket=ticket, kind="next_reply")
    assert waiting.state == "running"

    new = ticket_split(message=ticket.messages.get(message_id="second@example.net"), actor=agent)
    waiting.refresh_from_db()
    assert waiting.state == "cancelled"  # neither met nor missed
    assert ticket.events.filter(kind="sla_timer_cancelled", data__why="message split off").exists()
    assert SlaTimer.objects.get(ticket=new, kind="first_reply").state == "running"


def test_the_old_ticket_still_owes_a_reply_for_its_other_messages(
    mailbox: Mailbox, agent: Agent
) -> None:
    ticket, message = conversation(mailbox)  # two customer emails, no reply yet
    ticket_split(message=message, actor=agent)
    assert SlaTimer.objects.get(ticket=ticket, kind="first_reply").state == "running"


def test_attachments_go_with_the_message(mailbox: Mailbox, agent: Agent) -> None:
    ticket = deliver_ticket(make_email(subject="Two things", message_id=FIRST), mailbox)
    from tests.api.support import raw_email

    raw = raw_email(
        subject="Re: Two things", in_reply_to="first@example.net", attachment=("x.pdf", b"%PDF")
    )
    assert deliver(raw, mailbox).ticket_id == ticket.pk
    message = ticket.messages.filter(kind=MessageKind.CUSTOMER).last()
    assert message is not None
    new = ticket_split(message=message, actor=agent)
    attachment = new.messages.get().attachments.get()
    assert attachment.filename == "x.pdf"
    assert attachment.file.read() == b"%PDF"


def test_refused_splits_say_why(mailbox: Mailbox, agent: Agent) -> None:
    ticket = deliver_ticket(make_email(message_id="<alone@example.net>"), mailbox)
    only = ticket.messages.get(kind=MessageKind.CUSTOMER)
    with pytest.raises(InvalidRequest, match="only message from the customer"):
        ticket_split(message=only, actor=agent)
    acknowledgement = ticket.messages.get(kind=MessageKind.ACKNOWLEDGEMENT)
    with pytest.raises(InvalidRequest, match="only a customer's message"):
        ticket_split(message=acknowledgement, actor=agent)
    note = ticket_add_note(ticket=ticket, author=agent, text="a note")
    with pytest.raises(InvalidRequest, match="only a customer's message"):
        ticket_split(message=note, actor=agent)

    other, message = conversation(mailbox)
    target = deliver_ticket(make_email(subject="Elsewhere"), mailbox)
    ticket_merge(source=other, target=target, actor=agent, reason="same customer")
    message.refresh_from_db()
    assert message.ticket_id == target.pk  # merged: the message lives on the target now
    merged = Message.objects.filter(ticket=other)
    assert not merged.exists()
    with pytest.raises(InvalidRequest, match="was merged into"):
        ticket_split(message=Message(pk=message.pk, ticket_id=other.pk), actor=agent)


def test_split_subject_drops_prefixes_and_ticket_tags() -> None:
    assert split_subject("Re: AW: Login broken [#12]") == "Login broken"
    assert split_subject("") == "(no subject)"


# -- threading after a split ---------------------------------------------------------------


def test_replies_to_the_split_message_thread_into_the_new_ticket(
    mailbox: Mailbox, agent: Agent
) -> None:
    ticket, message = conversation(mailbox)
    new = ticket_split(message=message, actor=agent)

    # The customer's client names the whole thread; the message answered decides.
    answer = make_email(
        subject="Re: Order 1234 is late", in_reply_to=SECOND, references=[FIRST, SECOND]
    )
    assert deliver(answer, mailbox).ticket_id == new.pk
    # A reply further up the thread still belongs to the first ticket.
    earlier = make_email(subject="Re: Order 1234 is late", in_reply_to=FIRST, references=[FIRST])
    assert deliver(earlier, mailbox).ticket_id == ticket.pk
    # Neither was merged into the other.
    for kept in (ticket, new):
        kept.refresh_from_db()
        assert kept.merged_into_id is None
    # The split message delivered again is known as the one on the new ticket.
    again = InboundMessage.objects.get(message_id="second@example.net").raw
    row = deliver(bytes(again), mailbox)
    assert (row.status, row.ticket_id) == ("ignored", new.pk)


def test_a_reply_from_the_new_ticket_threads_back_there(mailbox: Mailbox, agent: Agent) -> None:
    _, message = conversation(mailbox)
    new = ticket_split(message=message, actor=agent)
    reply = ticket_reply(ticket=new, author=agent, text="Let us sort out your login.")
    assert reply.in_reply_to == "second@example.net"

    # Without our reply address (forwarded, say): the Message-IDs alone find the new ticket.
    answer = make_email(
        subject="Re: Let us sort it out",
        in_reply_to=f"<{reply.message_id}>",
        references=[FIRST, SECOND, f"<{reply.message_id}>"],
    )
    assert deliver(answer, mailbox).ticket_id == new.pk


def test_split_tickets_stay_apart_after_a_merge_on_one_side(mailbox: Mailbox, agent: Agent) -> None:
    ticket, message = conversation(mailbox)
    new = ticket_split(message=message, actor=agent)
    target = deliver_ticket(make_email(subject="Also about order 1234"), mailbox)
    ticket_merge(source=ticket, target=target, actor=agent, reason="same order")

    answer = make_email(subject="Re: login", in_reply_to=SECOND, references=[FIRST, SECOND])
    assert deliver(answer, mailbox).ticket_id == new.pk
    earlier = make_email(subject="Re: order", in_reply_to=FIRST, references=[FIRST])
    assert deliver(earlier, mailbox).ticket_id == target.pk
    new.refresh_from_db()
    assert new.merged_into_id is None


def test_parts_of_one_conversation_are_still_merged_when_nobody_split_them(
    mailbox: Mailbox,
) -> None:
    # A reply that arrives before the email it answers opens a ticket of its own ...
    early = make_email(subject="Re: Refund", in_reply_to=FIRST, references=[FIRST])
    stray = deliver_ticket(early, mailbox)
    main = deliver_ticket(make_email(subject="Another matter", message_id=SECOND), mailbox)
    assert stray.pk != main.pk
    # ... and an email naming both joins them, as before splitting existed.
    both = make_email(subject="Re: all", in_reply_to=SECOND, references=[FIRST, SECOND])
    assert deliver(both, mailbox).ticket_id == stray.pk
    main.refresh_from_db()
    assert main.merged_into_id == stray.pk
