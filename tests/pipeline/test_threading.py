"""Replies land in the right ticket, whatever order they arrive in and however clients mangle
them."""

from __future__ import annotations

import pytest

from caredesk.accounts.models import Agent
from caredesk.customers.services import customer_for_address
from caredesk.inbound.models import IntakeStatus
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail
from caredesk.tickets.models import MessageKind, Status, Ticket
from caredesk.tickets.services import ticket_set_status
from tests.conftest import deliver, deliver_ticket, eml
from tests.mail import make_email, mid

pytestmark = pytest.mark.django_db


def _ack(ticket: Ticket) -> OutboundEmail:
    return OutboundEmail.objects.get(ticket=ticket, kind="acknowledgement")


def test_reply_to_the_token_address_joins_even_with_new_subject_and_no_headers(
    mailbox: Mailbox,
) -> None:
    first = deliver_ticket(make_email(), mailbox)
    reply = make_email(
        to=f"support+{first.reply_token}@example.com", subject="totally different subject"
    )
    row = deliver(reply, mailbox, envelope_to=[f"support+{first.reply_token}@example.com"])
    assert row.ticket_id == first.pk
    assert row.status_reason == "joined via token"
    assert OutboundEmail.objects.count() == 1  # no second acknowledgement


def test_reply_quoting_our_acknowledgement_joins_by_in_reply_to(mailbox: Mailbox) -> None:
    ticket = deliver_ticket(make_email(), mailbox)
    ack_id = _ack(ticket).message_id
    reply = make_email(subject="Re: My order has not arrived", in_reply_to=f"<{ack_id}>")
    row = deliver(reply, mailbox)
    assert row.ticket_id == ticket.pk
    assert row.status_reason == "joined via references"


def test_outlook_reply_with_rewritten_headers_still_threads(mailbox: Mailbox) -> None:
    """Outlook drops References, localises the prefix and adds Thread-Index."""
    original = make_email(subject="Rechnung fehlt")
    ticket = deliver_ticket(original, mailbox)
    reply = make_email(
        subject="AW: Rechnung fehlt",
        in_reply_to=f"<{_ack(ticket).message_id}>",
        headers={"Thread-Index": "AQHZ8xq7c2R6k1f0kU6Rz5b0o3Wm0A==", "Thread-Topic": "Rechnung"},
    )
    assert deliver(reply, mailbox).ticket_id == ticket.pk


def test_subject_tag_joins_only_for_a_participant(mailbox: Mailbox) -> None:
    ticket = deliver_ticket(make_email(sender="jane@example.net"), mailbox)
    tagged = f"Re: something [#{ticket.pk}]"
    assert deliver(make_email(sender="jane@example.net", subject=tagged), mailbox).ticket_id == (
        ticket.pk
    )
    stranger = deliver(make_email(sender="mallory@example.org", subject=tagged), mailbox)
    assert stranger.ticket_id != ticket.pk
    assert Ticket.objects.count() == 2


def test_cc_participant_reply_joins_the_same_ticket(mailbox: Mailbox) -> None:
    raw = make_email(cc="Colleague <colleague@example.net>")
    ticket = deliver_ticket(raw, mailbox)
    assert set(ticket.participants.values_list("address", flat=True)) == {
        "jane@example.net",
        "colleague@example.net",
    }
    reply = make_email(
        sender="colleague@example.net", subject="Re: My order", in_reply_to=f"<{mid(raw)}>"
    )
    assert deliver(reply, mailbox).ticket_id == ticket.pk


def test_reply_processed_before_the_message_it_answers(mailbox: Mailbox) -> None:
    root = make_email(message_id="<root@example.net>")
    reply = make_email(
        sender="jane@example.net",
        subject="Re: My order has not arrived",
        message_id="<reply-1@example.net>",
        in_reply_to="<root@example.net>",
        references=["<root@example.net>"],
    )
    early = deliver(reply, mailbox)
    late = deliver(root, mailbox)
    assert late.ticket_id == early.ticket_id
    assert Ticket.objects.count() == 1
    assert late.ticket is not None
    assert late.ticket.messages.filter(kind=MessageKind.CUSTOMER).count() == 2


def test_siblings_before_their_root_share_one_ticket(mailbox: Mailbox) -> None:
    a = make_email(
        message_id="<a@x.example>", in_reply_to="<root@x.example>", references=["<root@x.example>"]
    )
    b = make_email(
        message_id="<b@x.example>",
        in_reply_to="<root@x.example>",
        references=["<root@x.example>"],
        body="And one more thing.\n",
    )
    rows = [
        deliver(a, mailbox),
        deliver(b, mailbox),
        deliver(make_email(message_id="<root@x.example>"), mailbox),
    ]
    assert len({r.ticket_id for r in rows}) == 1


def test_a_strangers_reply_to_the_same_foreign_email_opens_its_own_ticket(
    mailbox: Mailbox,
) -> None:
    """The root was never stored here: only its sender's own emails may join through it."""
    mine = make_email(
        message_id="<a@z.example>", in_reply_to="<root@z.example>", references=["<root@z.example>"]
    )
    stranger = make_email(
        message_id="<b@z.example>",
        in_reply_to="<root@z.example>",
        references=["<root@z.example>"],
        sender="colleague@example.net",
    )
    first, second = deliver_ticket(mine, mailbox), deliver_ticket(stranger, mailbox)
    assert first.pk != second.pk
    # The root, from the first sender, arriving late still joins that sender's ticket.
    root = deliver_ticket(make_email(message_id="<root@z.example>"), mailbox)
    assert root.pk == first.pk


def test_customers_answering_an_announcement_get_a_ticket_each(mailbox: Mailbox) -> None:
    """Three customers reply to an email caredesk never saw (an announcement sent from elsewhere
    with everyone in Bcc): three tickets, three acknowledgements, nobody in another's ticket."""
    tickets = [deliver_ticket(eml(f"announcement-reply-{i}.eml"), mailbox) for i in (1, 2, 3)]
    assert len({t.pk for t in tickets}) == 3
    for i, ticket in enumerate(tickets, start=1):
        assert list(ticket.participants.values_list("address", flat=True)) == [
            f"customer{i}@example.org"
        ]
        assert ticket.messages.filter(kind=MessageKind.ACKNOWLEDGEMENT).count() == 1
    # Each customer's own follow-up joins their own ticket.
    follow_up = make_email(
        sender="customer2@example.org",
        in_reply_to="<announce.X@mailer.example>",
        references=["<announce.X@mailer.example>", "<reply-2.announce@example.org>"],
    )
    assert deliver(follow_up, mailbox).ticket_id == tickets[1].pk


def test_references_naming_two_customers_tickets_merge_nothing(mailbox: Mailbox) -> None:
    alice = deliver_ticket(
        make_email(sender="alice@example.org", message_id="<alice-1@example.org>"), mailbox
    )
    bob = deliver_ticket(
        make_email(sender="bob@example.org", message_id="<bob-1@example.org>"), mailbox
    )
    row = deliver(eml("references-naming-two-tickets.eml"), mailbox)
    assert row.ticket_id not in (alice.pk, bob.pk)
    assert Ticket.objects.filter(merged_into__isnull=False).count() == 0
    # One who takes part in one of them joins that one only, and nothing is merged.
    carl = make_email(
        sender="bob@example.org",
        message_id="<bob-2@example.org>",
        references=["<alice-1@example.org>", "<bob-1@example.org>"],
    )
    assert deliver(carl, mailbox).ticket_id == bob.pk
    assert Ticket.objects.filter(merged_into__isnull=False).count() == 0


def test_conversation_split_by_partial_references_is_merged(mailbox: Mailbox) -> None:
    """C arrives pointing only at B, then A; then B arrives pointing at A: all one ticket."""
    c = make_email(
        message_id="<c@y.example>", in_reply_to="<b@y.example>", references=["<b@y.example>"]
    )
    a_child = make_email(
        message_id="<a2@y.example>", in_reply_to="<a@y.example>", references=["<a@y.example>"]
    )
    t1 = deliver_ticket(c, mailbox)
    t2 = deliver_ticket(a_child, mailbox)
    assert t1.pk != t2.pk
    b = make_email(
        message_id="<b@y.example>", in_reply_to="<a@y.example>", references=["<a@y.example>"]
    )
    survivor = deliver_ticket(b, mailbox)
    assert survivor.messages.count() >= 3
    merged = Ticket.objects.exclude(pk=survivor.pk).get()
    assert merged.merged_into_id == survivor.pk
    assert merged.status == Status.CLOSED
    # A message pointing at the merged ticket's email still finds the surviving ticket.
    later = make_email(in_reply_to="<a2@y.example>")
    assert deliver(later, mailbox).ticket_id == survivor.pk


def test_auto_reply_is_attached_without_changing_state_or_acknowledging(
    mailbox: Mailbox, agent: Agent
) -> None:
    ticket = deliver_ticket(make_email(), mailbox)
    ticket_set_status(ticket=ticket, status=Status.PENDING, actor=agent)
    ooo = make_email(
        subject="Automatic reply: My order has not arrived",
        in_reply_to=f"<{_ack(ticket).message_id}>",
        headers={"Auto-Submitted": "auto-replied"},
    )
    row = deliver(ooo, mailbox)
    assert row.ticket_id == ticket.pk
    assert row.ticket_message is not None
    assert row.ticket_message.kind == MessageKind.AUTO_REPLY
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert OutboundEmail.objects.count() == 1


def test_auto_reply_to_nothing_we_know_is_ignored(mailbox: Mailbox) -> None:
    row = deliver(make_email(headers={"Auto-Submitted": "auto-replied"}), mailbox)
    assert row.status == IntakeStatus.IGNORED
    assert Ticket.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_customer_reply_reopens_a_solved_ticket(mailbox: Mailbox, agent: Agent) -> None:
    raw = make_email()
    ticket = deliver_ticket(raw, mailbox)
    ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=agent)
    deliver(make_email(in_reply_to=f"<{mid(raw)}>"), mailbox)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.events.filter(kind="status_changed", data__new="open").exists()


def test_reply_to_a_closed_ticket_starts_a_follow_up(mailbox: Mailbox, agent: Agent) -> None:
    raw = make_email()
    ticket = deliver_ticket(raw, mailbox)
    ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=agent)
    ticket_set_status(ticket=ticket, status=Status.CLOSED, actor=agent)
    row = deliver(make_email(in_reply_to=f"<{mid(raw)}>"), mailbox)
    assert row.ticket_id != ticket.pk
    assert row.ticket is not None
    assert row.ticket.events.get(kind="created").data["follow_up_of"] == ticket.pk


def test_same_customer_found_by_any_of_their_addresses(mailbox: Mailbox) -> None:
    customer = customer_for_address(address="jane@example.net", name="Jane")
    from caredesk.customers.models import CustomerAddress

    CustomerAddress.objects.create(customer=customer, address="jane.work@example.org")
    ticket = deliver_ticket(make_email(sender="jane.work@example.org"), mailbox)
    assert ticket.customer_id == customer.pk
