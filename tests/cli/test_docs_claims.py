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
    sender = str(build_message(sent)["From"])
    # Replies go out under the mailbox's name: the agent's own is not on them.
    assert sender == "Example Support <support@example.com>"
    assert agent.name not in sender
    client.force_login(agent)
    page = client.get("/profile").content.decode()
    assert "customers see it on replies" not in page
    assert "customers see the mailbox's name on replies" in page
