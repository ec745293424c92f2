"""A `[#123]` tag in a subject threads a participant's email; in a new ticket's subject, it
would name another ticket in every email the customer gets, so it is left out."""

from __future__ import annotations

import pytest

from caredesk.accounts.models import Agent
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail
from caredesk.tickets.models import Status, Ticket
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.services import ticket_set_status
from tests.conftest import deliver, deliver_ticket, eml
from tests.mail import make_email, mid

pytestmark = pytest.mark.django_db

FIXTURE = "stranger-naming-another-ticket-in-subject.eml"


def _ack(ticket: Ticket) -> OutboundEmail:
    return OutboundEmail.objects.get(ticket=ticket, kind="acknowledgement")


def test_a_strangers_tag_is_left_out_of_their_tickets_subject(mailbox: Mailbox) -> None:
    ticket = deliver_ticket(eml(FIXTURE), mailbox)
    assert ticket.subject == "CHARGED TWICE!!"
    assert _ack(ticket).subject == f"Re: CHARGED TWICE!! [{ticket.reference}]"
    # The customer's email is kept as written.
    assert ticket.messages.get(kind="customer").subject == "CHARGED TWICE!! [#6]"


def test_naming_someone_elses_real_ticket_neither_joins_nor_names_it(
    mailbox: Mailbox, agent: Agent
) -> None:
    janes = deliver_ticket(make_email(sender="jane@example.net"), mailbox)
    raw = eml(FIXTURE).replace(b"[#6]", f"[{janes.reference}]".encode())
    ticket = deliver_ticket(raw, mailbox)
    assert ticket.pk != janes.pk
    assert ticket.subject == "CHARGED TWICE!!"
    assert _ack(ticket).subject == f"Re: CHARGED TWICE!! [{ticket.reference}]"
    reply = ticket_reply(ticket=ticket, author=agent, text="We refunded the second charge.")
    assert reply.subject == f"Re: CHARGED TWICE!! [{ticket.reference}]"
    assert janes.reference not in _ack(ticket).text


def test_the_participants_own_tag_still_threads(mailbox: Mailbox) -> None:
    ticket = deliver_ticket(make_email(sender="jane@example.net"), mailbox)
    again = make_email(sender="jane@example.net", subject=f"Still waiting [{ticket.reference}]")
    row = deliver(again, mailbox)
    assert row.ticket_id == ticket.pk
    assert row.status_reason == "joined via subject"
    ticket.refresh_from_db()
    assert ticket.subject == "My order has not arrived"


def test_a_subject_of_nothing_but_a_tag_is_no_subject(mailbox: Mailbox) -> None:
    ticket = deliver_ticket(make_email(sender="mallory@example.org", subject="Re: [#6]"), mailbox)
    assert ticket.subject == "(no subject)"
    assert _ack(ticket).subject == f"Re: (no subject) [{ticket.reference}]"


def test_a_follow_up_of_a_closed_ticket_names_only_itself(mailbox: Mailbox, agent: Agent) -> None:
    raw = make_email(subject="Refund")
    first = deliver_ticket(raw, mailbox)
    ticket_set_status(ticket=first, status=Status.SOLVED, actor=agent)
    ticket_set_status(ticket=first, status=Status.CLOSED, actor=agent)
    follow = make_email(subject=f"Re: Refund [{first.reference}]", in_reply_to=f"<{mid(raw)}>")
    ticket = deliver_ticket(follow, mailbox)
    assert ticket.pk != first.pk
    assert ticket.subject == "Refund"
    assert _ack(ticket).subject == f"Re: Refund [{ticket.reference}]"
