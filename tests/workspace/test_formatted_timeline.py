"""The timeline shows an agent's reply (and note) formatted as the customer's email shows it,
cleaned, and without the signature and the quote the email carries."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.models import Agent
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.services import ticket_add_note
from tests.api.support import new_ticket

pytestmark = pytest.mark.django_db


def test_a_reply_and_a_note_are_shown_formatted_and_clean(
    client: Client, mailbox: Mailbox, agent: Agent
) -> None:
    agent.signature = "Ann, Example Support"
    agent.save()
    ticket = new_ticket(mailbox)
    sent = ticket_reply(
        ticket=ticket,
        author=agent,
        text="It is **done**.\n\n- one\n- [two](javascript:alert(1))\n\n<script>alert(2)</script>",
    )
    ticket_add_note(ticket=ticket, author=agent, text="Checked *twice*")
    client.force_login(agent)
    page = client.get(f"/tickets/{ticket.pk}").content.decode()
    assert '<div class="text formatted-reply"><p>It is <strong>done</strong>.</p>' in page
    assert "<ul><li>one</li><li>[two](javascript:alert(1))</li></ul>" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "<script>alert(2)" not in page and 'href="javascript' not in page
    assert '<div class="text formatted-reply"><p>Checked <em>twice</em></p></div>' in page
    # The email's signature and quote are not on the timeline.
    email = OutboundEmail.objects.get(ticket_message=sent)
    attribution = next(line for line in email.text.splitlines() if line.endswith(" wrote:"))
    timeline = page[page.index('id="timeline"') :]
    assert attribution not in timeline and "Ann, Example Support" not in timeline
