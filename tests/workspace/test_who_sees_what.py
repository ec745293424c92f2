"""The workspace asks caredesk.access everywhere a ticket shows through: the customer's other
tickets, attachments, framed HTML, search counts, merges, splits, drafts and presence. What an
agent may not see answers exactly as what does not exist."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from caredesk.accounts.models import Agent, Team
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from caredesk.tickets.services import ticket_set_properties
from caredesk.workspace.models import Draft, TicketPresence
from tests.api.support import new_ticket
from tests.conftest import deliver, ticket_of
from tests.workspace.test_conversation import html_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(mailbox: Mailbox) -> dict[str, Any]:
    """Jane has a Billing ticket and a Technical one; Bill is in Billing, Tina in Technical."""
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor")
    bill = agent_create(email="bill@example.com", name="Bill", role="agent", team="Billing")
    tina = agent_create(email="tina@example.com", name="Tina", role="agent", team="Technical")
    billing = new_ticket(mailbox, sender="Jane Doe <jane@example.net>", subject="Invoice twice")
    row = deliver(html_email(remote="https://tracker.example/p.gif"), mailbox)
    secret = ticket_of(row)
    Ticket.objects.filter(pk=secret.pk).update(subject="SHIPPING SECRET: parcel to 12 Elm St")
    ticket_set_properties(ticket=billing, actor=sue, team=Team.objects.get(name="Billing"))
    ticket_set_properties(ticket=secret, actor=sue, team=Team.objects.get(name="Technical"))
    assert billing.customer_id == secret.customer_id
    return {"sue": sue, "bill": bill, "tina": tina, "billing": billing, "secret": secret}


def _signed_in(client: Client, agent: Agent) -> Client:
    client.force_login(agent)
    return client


def _error(response: Any) -> str:
    """What the error page says."""
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', response.content.decode())
    assert found, response.content.decode()
    return found.group(1)


def test_other_tickets_panel_lists_only_what_the_agent_may_see(
    client: Client, desk: dict[str, Any]
) -> None:
    billing, secret = desk["billing"], desk["secret"]
    page = _signed_in(client, desk["bill"]).get(f"/tickets/{billing.pk}")
    assert page.status_code == 200
    assert list(page.context["others"]) == []
    assert "SHIPPING SECRET" not in page.content.decode()
    assert client.get(f"/tickets/{secret.pk}").status_code == 404

    page = _signed_in(client, desk["sue"]).get(f"/tickets/{billing.pk}")
    assert [t.pk for t in page.context["others"]] == [secret.pk]
    assert "SHIPPING SECRET" in page.content.decode()


def test_a_hidden_attachment_answers_exactly_like_a_missing_one(
    client: Client, desk: dict[str, Any]
) -> None:
    secret = desk["secret"]
    attachment = secret.messages.get(kind="customer").attachments.get()
    _signed_in(client, desk["bill"])

    hidden = client.get(f"/attachments/{attachment.pk}")
    missing = client.get("/attachments/999999")
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert _error(hidden) == f"there is no attachment {attachment.pk}"
    assert _error(missing) == "there is no attachment 999999"
    assert f"#{secret.pk}" not in hidden.content.decode()

    assert _signed_in(client, desk["tina"]).get(f"/attachments/{attachment.pk}").status_code == 200


def test_a_hidden_message_frame_answers_exactly_like_a_missing_one(
    client: Client, desk: dict[str, Any]
) -> None:
    message = desk["secret"].messages.get(kind="customer")
    assert message.html
    _signed_in(client, desk["bill"])

    hidden = client.get(f"/messages/{message.pk}/html")
    missing = client.get("/messages/999999/html")
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.content.decode() == f"there is no HTML message {message.pk}"
    assert missing.content.decode() == "there is no HTML message 999999"
    assert _signed_in(client, desk["tina"]).get(f"/messages/{message.pk}/html").status_code == 200


def test_customer_search_counts_only_the_tickets_the_agent_may_see(
    client: Client, desk: dict[str, Any]
) -> None:
    def counted(agent: Agent) -> list[tuple[str, int]]:
        found = _signed_in(client, agent).get("/search", {"q": "jane"}).context["customers"]
        return [(c.name, c.ticket_count) for c in found]

    assert counted(desk["bill"]) == [("Jane Doe", 1)]
    assert counted(desk["tina"]) == [("Jane Doe", 1)]
    assert counted(desk["sue"]) == [("Jane Doe", 2)]
    page = client.get("/search", {"q": "jane"})
    assert re.search(r"2\s+tickets", page.content.decode())


def test_merging_into_a_hidden_ticket_is_refused_like_merging_into_a_missing_one(
    client: Client, desk: dict[str, Any]
) -> None:
    billing, secret = desk["billing"], desk["secret"]
    _signed_in(client, desk["bill"])

    hidden = client.post(f"/tickets/{billing.pk}/merge", {"into": str(secret.pk)})
    missing = client.post(f"/tickets/{billing.pk}/merge", {"into": "999999"})
    assert (hidden.status_code, missing.status_code) == (404, 404)
    # Said on the agent's own ticket, by the merge form, in the same words for both.
    said = 'role="alert">Not merged: there is no ticket #{}; check the number.</p>'
    assert said.format(secret.pk) in hidden.content.decode()
    assert said.format(999999) in missing.content.decode()
    assert "SHIPPING" not in hidden.content.decode()
    billing.refresh_from_db()
    assert billing.merged_into is None and billing.status == "new"


def test_split_drafts_and_presence_on_a_hidden_ticket_are_404(
    client: Client, desk: dict[str, Any]
) -> None:
    billing, secret = desk["billing"], desk["secret"]
    message = secret.messages.get(kind="customer")
    _signed_in(client, desk["bill"])

    assert client.post(f"/tickets/{secret.pk}/messages/{message.pk}/split").status_code == 404
    # Bill's own ticket with the hidden ticket's message: no such message there.
    moved = client.post(f"/tickets/{billing.pk}/messages/{message.pk}/split")
    assert moved.status_code == 404
    assert secret.messages.filter(pk=message.pk).exists()
    draft = client.post(f"/tickets/{secret.pk}/draft", {"kind": "reply", "text": "Hi"})
    assert draft.status_code == 404
    assert draft.json() == {"error": f"there is no ticket #{secret.pk}"}
    assert client.post(f"/tickets/{secret.pk}/draft/discard").status_code == 404
    assert client.post(f"/tickets/{secret.pk}/presence").status_code == 404
    assert client.post(
        f"/tickets/{secret.pk}/reply", {"kind": "note", "text": "x"}
    ).status_code == (404)
    assert not Draft.objects.exists() and not TicketPresence.objects.exists()
    assert not secret.messages.filter(kind="note").exists()


def test_an_agents_draft_is_theirs_alone(client: Client, desk: dict[str, Any]) -> None:
    secret = desk["secret"]
    _signed_in(client, desk["tina"])
    saved = client.post(f"/tickets/{secret.pk}/draft", {"kind": "reply", "text": "Dear Jane"})
    assert saved.status_code == 200

    page = _signed_in(client, desk["sue"]).get(f"/tickets/{secret.pk}")
    assert page.context["draft"] is None and "Dear Jane" not in page.content.decode()
    assert _signed_in(client, desk["tina"]).get(f"/tickets/{secret.pk}").context["draft"]
