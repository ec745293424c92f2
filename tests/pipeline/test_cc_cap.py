"""A stranger's CC list never turns caredesk into a bulk mailer: one email adds at most
CAREDESK_PARTICIPANTS_PER_EMAIL people to its ticket, a ticket takes at most
CAREDESK_PARTICIPANTS_PER_TICKET from email, and the agent sees who a reply goes to."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import Settings

from caredesk.accounts.models import Agent
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.services import outbound_deliver_due
from caredesk.tickets.models import MessageKind, Participant
from caredesk.tickets.replies import ticket_reply
from tests.conftest import deliver_ticket, eml
from tests.mail import SmtpSink, make_email

pytestmark = pytest.mark.django_db


def test_two_thousand_cc_addresses_give_twenty_participants_and_a_note(
    mailbox: Mailbox, agent: Agent, relay: SmtpSink
) -> None:
    ticket = deliver_ticket(eml("cc-2000.eml"), mailbox)
    people = list(ticket.participants.order_by("pk").values_list("address", "role"))
    assert people[0] == ("sam@bulk.example", Participant.Role.REQUESTER)
    assert [a for a, _ in people[1:]] == [f"person{n}@victims.example" for n in range(20)]
    message = ticket.messages.get(kind=MessageKind.CUSTOMER)
    assert (
        "2000 new addresses in To and Cc; 20 taken as participants, 1980 left out, "
        "from person20@victims.example on"
    ) in message.defects

    outbound_deliver_due()
    relay.received.clear()
    ticket_reply(ticket=ticket, author=agent, text="We are looking into it.")
    outbound_deliver_due()
    (reply,) = relay.wait_for(1)
    assert len(reply.rcpt_tos) == 21  # the customer and the twenty, not 2,001


def test_a_ticket_stops_growing_at_its_cap_but_known_people_come_and_go_freely(
    mailbox: Mailbox, settings: Settings
) -> None:
    settings.CAREDESK_PARTICIPANTS_PER_TICKET = 5
    ticket = deliver_ticket(
        make_email(cc="a@x.example, b@x.example, c@x.example", message_id="<one@x.example>"),
        mailbox,
    )
    assert ticket.participants.count() == 4
    for n in range(5):  # the same people again: nothing to leave out
        again = make_email(
            cc="a@x.example, b@x.example, c@x.example",
            subject=f"Re: My order has not arrived [{ticket.reference}]",
            in_reply_to="<one@x.example>",
            message_id=f"<again-{n}@x.example>",
        )
        assert deliver_ticket(again, mailbox) == ticket
    assert not [d for m in ticket.messages.all() for d in m.defects if "left out" in d]

    more = make_email(
        cc="a@x.example, d@x.example, e@x.example, f@x.example",
        subject=f"Re: My order has not arrived [{ticket.reference}]",
        in_reply_to="<one@x.example>",
    )
    assert deliver_ticket(more, mailbox) == ticket
    assert sorted(ticket.participants.values_list("address", flat=True)) == [
        "a@x.example",
        "b@x.example",
        "c@x.example",
        "d@x.example",
        "jane@example.net",
    ]
    latest = ticket.messages.filter(kind=MessageKind.CUSTOMER).order_by("pk").last()
    assert latest is not None
    assert (
        "3 new addresses in To and Cc; 1 taken as participants, 2 left out" in (latest.defects[-1])
    )


def test_the_composer_says_who_a_reply_goes_to(client: Client, mailbox: Mailbox) -> None:
    from tests.workspace.test_composer import signed_in, text_of

    signed_in(client)
    few = deliver_ticket(make_email(cc="Bob <bob@example.org>"), mailbox)
    page = text_of(client.get(f"/tickets/{few.pk}"))
    assert "A reply goes to <strong>jane@example.net</strong>" in page
    assert "with <strong>1</strong> in CC: bob@example.org." in page

    many = deliver_ticket(eml("cc-2000.eml"), mailbox)
    page = text_of(client.get(f"/tickets/{many.pk}"))
    assert "A reply goes to <strong>sam@bulk.example</strong>" in page
    assert "<summary>Everyone in CC (20)</summary>" in page
    assert page.count("@victims.example</li>") == 20
