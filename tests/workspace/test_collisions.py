"""A reply is held back once when something came into the conversation after the agent's page
was shown: another agent answered, or the customer wrote again."""

from __future__ import annotations

from typing import Any

from django.test import Client

from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail
from caredesk.tickets.replies import ticket_reply
from caredesk.workspace.models import Draft
from tests.api.support import new_ticket, raw_email
from tests.conftest import deliver

PASSWORD = "correct horse battery"


def said(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_reply_waits_for_the_agent_to_read_what_came_in(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    bob = agent_create(email="bob@example.com", name="Bob", role="agent", password=PASSWORD)
    ticket = new_ticket(mailbox, subject="Refund", body="Where is my refund?")
    client.force_login(ann)
    shown = client.get(f"/tickets/{ticket.pk}").context["last_shown"]
    ticket_reply(ticket=ticket, author=bob, text="Refunded today.")

    form = {"kind": "reply", "text": "Your refund is on its way.", "since": shown}
    held = client.post(f"/tickets/{ticket.pk}/reply", form, follow=True)
    assert said(held) == (
        "not sent: Bob replied after you opened this ticket. Read it, then send again "
        "(what you wrote is kept as a draft)"
    )
    assert OutboundEmail.objects.filter(kind="reply").count() == 1  # Bob's only
    assert Draft.objects.get(agent=ann).text == "Your refund is on its way."
    assert "Refunded today." in held.content.decode()  # the page now shows Bob's reply

    # Sending from the page that shows it goes through; a note is never held back.
    again = {**form, "since": held.context["last_shown"]}
    assert said(client.post(f"/tickets/{ticket.pk}/reply", again, follow=True)) == "Reply sent."
    assert not Draft.objects.filter(agent=ann).exists()

    deliver(
        raw_email(subject="Re: Refund", body="Still nothing!", in_reply_to=_last_id(ticket)),
        mailbox,
    )
    note = {"kind": "note", "text": "Checking with billing.", "since": again["since"]}
    assert said(client.post(f"/tickets/{ticket.pk}/reply", note, follow=True)) == "Note added."
    late = client.post(
        f"/tickets/{ticket.pk}/reply", {**form, "since": again["since"]}, follow=True
    )
    assert said(late).startswith("not sent: the customer wrote again after you opened")


def _last_id(ticket: Any) -> str:
    return OutboundEmail.objects.filter(ticket=ticket).latest("pk").message_id.strip("<>")
