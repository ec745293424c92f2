"""Claims the pages make that a test can check."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.models import Agent
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.compose import build_message
from caredesk.outbound.models import OutboundEmail
from caredesk.tickets.replies import ticket_reply
from tests.conftest import deliver_ticket
from tests.mail import make_email

pytestmark = pytest.mark.django_db


def test_the_profile_says_whose_name_customers_see(
    client: Client, agent: Agent, mailbox: Mailbox
) -> None:
    ticket = deliver_ticket(make_email(subject="Where is my parcel"), mailbox)
    ticket_reply(ticket=ticket, author=agent, text="It left today.")
    sent = OutboundEmail.objects.get(kind=OutboundEmail.Kind.REPLY)
    # Replies go out under the agent's name with the mailbox's, by default.
    assert (
        str(build_message(sent)["From"]) == f"{agent.name} at Example Support <support@example.com>"
    )
    # A mailbox can show its name alone.
    Mailbox.objects.filter(pk=mailbox.pk).update(sender_format="{mailbox}")
    ticket.refresh_from_db()
    ticket_reply(ticket=ticket, author=agent, text="It arrives tomorrow.")
    latest = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY).latest("id")
    assert str(build_message(latest)["From"]) == "Example Support <support@example.com>"
    client.force_login(agent)
    page = client.get("/profile").content.decode()
    assert "customers see the mailbox's name on replies" not in page
    assert "customers see it on your replies with the mailbox's name" in page
    assert "unless the mailbox is set to show its name alone" in page
