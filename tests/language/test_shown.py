"""What caredesk read in a customer's message is shown on the ticket page and returned by the
API's ticket detail."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from caredesk.accounts.services import agent_create, api_token_create
from caredesk.mailboxes.models import Mailbox
from tests.api.support import Api, new_ticket

pytestmark = pytest.mark.django_db

UPSET_GERMAN = "Ich schreibe jetzt zum dritten Mal wegen meiner Bestellung. Das ist inakzeptabel!\n"


def test_the_ticket_page_shows_language_and_upset_reasons(client: Client, mailbox: Mailbox) -> None:
    ticket = new_ticket(mailbox, body=UPSET_GERMAN)
    client.force_login(agent_create(email="ada@example.com", name="Ada", role="admin"))
    page = client.get(f"/tickets/{ticket.pk}").content.decode()
    header = re.search(r'<li class="entry customer".*?</header>', page, re.S)
    assert header is not None
    assert re.search(r'<span class="language"[^>]*>German · 9\d%</span>', header.group(0))
    assert "Angry: &#x27;zum dritten mal&#x27;, &#x27;inakzeptabel&#x27;" in header.group(0)
    # The acknowledgement caredesk wrote says nothing of the kind.
    ack = re.search(r'<li class="entry acknowledgement".*?</header>', page, re.S)
    assert ack is not None and "language" not in ack.group(0) and "upset" not in ack.group(0)


def test_a_calm_short_message_says_its_language_is_unclear(
    client: Client, mailbox: Mailbox
) -> None:
    ticket = new_ticket(mailbox, body="Danke!\n", subject="?")
    client.force_login(agent_create(email="ada@example.com", name="Ada", role="admin"))
    page = client.get(f"/tickets/{ticket.pk}").content.decode()
    assert "Language unclear" in page
    assert 'class="upset' not in page


def test_the_api_detail_returns_language_and_upset(client: Client, mailbox: Mailbox) -> None:
    ticket = new_ticket(mailbox, body=UPSET_GERMAN)
    api = Api(
        client,
        api_token_create(agent=agent_create(email="ada@example.com", name="Ada", role="admin")),
    )
    customer, ack = api.get(f"/tickets/{ticket.pk}").json()["messages"]
    assert customer["language"] == "de"
    assert customer["language_confidence"] >= 0.9
    assert customer["upset_level"] == 3
    assert customer["upset_reasons"] == ["'zum dritten mal'", "'inakzeptabel'"]
    assert (ack["language"], ack["language_confidence"], ack["upset_level"]) == ("", None, 0)
    assert ack["upset_reasons"] == []
