"""A 30 MB body in the API: the ticket's detail cuts it and says so; the whole text and the
original email are their own reads, for whoever may see the ticket."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import Settings

from caredesk.accounts.models import Team
from caredesk.accounts.services import agent_create, api_token_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Message, Ticket
from caredesk.tickets.services import ticket_set_properties
from tests.api.support import Api, new_ticket
from tests.conftest import deliver, ticket_of
from tests.long_bodies import THIRTY_MB, long_email, long_text, whole_bodies_read

pytestmark = pytest.mark.django_db


def _api(client: Client, role: str, email: str, team: str | None = None) -> Api:
    agent = agent_create(email=email, name=email.split("@")[0], role=role, team=team)
    return Api(client, api_token_create(agent=agent))


def test_a_30_mb_body_is_cut_with_flags_and_read_whole_on_its_own(
    client: Client, mailbox: Mailbox
) -> None:
    raw = long_email(text=long_text(THIRTY_MB), html="<p>" + "a paragraph " * 20_000 + "</p>")
    ticket = ticket_of(deliver(raw, mailbox))
    message = Message.objects.get(ticket=ticket, kind="customer")
    api = _api(client, "supervisor", "sue@example.com")

    with CaptureQueriesContext(connection) as queries:
        answer = api.get(f"/tickets/{ticket.pk}")
    assert answer.status_code == 200
    assert len(answer.content) < 1_000_000
    assert whole_bodies_read(queries.captured_queries) == []
    shown = next(m for m in answer.json()["messages"] if m["id"] == message.pk)
    assert shown["text_truncated"] is True and shown["new_text_truncated"] is True
    assert shown["text_length"] == len(message.text) > THIRTY_MB * 0.9
    assert shown["text"] == message.text[:100_000]
    assert shown["new_text_length"] == len(message.new_text)
    assert shown["html_truncated"] is True and shown["html_length"] == len(message.html)
    assert shown["html"] == message.html[:100_000]
    acknowledgement = next(m for m in answer.json()["messages"] if m["kind"] == "acknowledgement")
    assert acknowledgement["text_truncated"] is False
    assert acknowledgement["text_length"] == len(acknowledgement["text"])

    whole = api.get(f"/tickets/{ticket.pk}/messages/{message.pk}/text")
    assert whole.status_code == 200
    assert whole["Content-Type"] == "text/plain; charset=utf-8"
    assert whole.content.decode("utf-8") == message.text
    original = api.get(f"/tickets/{ticket.pk}/messages/{message.pk}/original")
    assert original.status_code == 200
    assert original["Content-Type"] == "message/rfc822"
    assert original.content == raw


def test_a_short_message_is_whole_and_says_so(api: Api, ticket: Ticket) -> None:
    message = Message.objects.get(ticket=ticket, kind="customer")
    shown = api.get(f"/tickets/{ticket.pk}").json()["messages"][0]
    assert shown["id"] == message.pk
    assert (shown["text"], shown["text_length"]) == (message.text, len(message.text))
    assert (shown["text_truncated"], shown["new_text_truncated"]) == (False, False)
    assert (shown["html"], shown["html_length"], shown["html_truncated"]) == ("", 0, False)


def test_the_setting_says_how_much_is_shown(api: Api, mailbox: Mailbox, settings: Settings) -> None:
    settings.CAREDESK_BODY_SHOWN_CHARS = 50
    ticket = ticket_of(deliver(long_email(text="é" * 500), mailbox))
    shown = api.get(f"/tickets/{ticket.pk}").json()["messages"][0]
    assert len(shown["text"]) == 50 and shown["text_truncated"] is True
    assert shown["text_length"] == len(Message.objects.get(pk=shown["id"]).text)  # characters


def test_who_may_not_see_the_ticket_gets_404(client: Client, mailbox: Mailbox) -> None:
    ticket = new_ticket(mailbox)
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor")
    ticket_set_properties(ticket=ticket, actor=sue, team=Team.objects.create(name="Technical"))
    other = new_ticket(mailbox, sender="kim@example.org", subject="Another")
    message = Message.objects.get(ticket=ticket, kind="customer")
    acknowledgement = Message.objects.get(ticket=ticket, kind="acknowledgement")
    bill = _api(client, "agent", "bill@example.com", team="Billing")
    tina = _api(client, "agent", "tina@example.com", team="Technical")
    for part in ("text", "original"):
        path = f"/tickets/{ticket.pk}/messages/{message.pk}/{part}"
        assert bill.get(path).status_code == 404, path
        assert "detail" in bill.get(path).json()
        assert tina.get(path).status_code == 200, path
        # A message is read through its own ticket only.
        assert tina.get(f"/tickets/{other.pk}/messages/{message.pk}/{part}").status_code == 404
    assert Api(client, None).get(
        f"/tickets/{ticket.pk}/messages/{message.pk}/text"
    ).status_code == (401)
    # caredesk wrote the acknowledgement: its text is there, an original email is not.
    path = f"/tickets/{ticket.pk}/messages/{acknowledgement.pk}"
    assert tina.get(f"{path}/text").content.decode() == acknowledgement.text
    assert tina.get(f"{path}/original").status_code == 404
