"""The composer and a template's macro, without a browser: the template inserted last kept in
the draft and said on the page, applied on send, and a macro that cannot be applied said with
the draft kept (never a 500)."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from caredesk.accounts.models import Agent, Team
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.replies.models import ReplyTemplate, State, TemplateUse
from caredesk.replies.services import template_create, template_move
from caredesk.tickets.models import MessageKind, Ticket
from caredesk.workspace.models import Draft
from tests.api.support import new_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(client: Client) -> Agent:
    agent = agent_create(email="ann@example.com", name="Ann Agent", role="agent")
    client.force_login(agent)
    return agent


def pending_refund(owner: Agent, **more: object) -> ReplyTemplate:
    return template_create(
        actor=owner,
        name="Refund policy",
        variants={"en": "Your refund is on its way."},
        actions={"status": "pending", "priority": "high", "tags": ["refund"], **more},
    )


def page_text(client: Client, ticket: Ticket) -> str:
    return html.unescape(client.get(f"/tickets/{ticket.pk}").content.decode())


def test_the_draft_keeps_the_template_and_the_page_says_what_its_macro_does(
    client: Client, mailbox: Mailbox, ann: Agent
) -> None:
    template = pending_refund(ann)
    ticket = new_ticket(mailbox)
    assert 'id="template-macro" data-name="" hidden' in page_text(client, ticket)
    preview = client.get(f"/tickets/{ticket.pk}/templates/{template.pk}/preview").json()
    assert preview["macro"] == [
        {"key": "status", "text": "status Pending"},
        {"key": "priority", "text": "priority High"},
        {"key": "tags", "text": "tags +refund"},
    ]

    saved = client.post(
        f"/tickets/{ticket.pk}/draft",
        {"kind": "reply", "text": "Your refund is on its way.", "template": str(template.pk)},
    )
    assert saved.status_code == 200
    assert Draft.objects.get(ticket=ticket).template == template
    page = page_text(client, ticket)
    assert f'name="template" id="template-used" value="{template.pk}"' in page
    assert "On send: status Pending · priority High · tags +refund" in page

    # Dropping the macro is kept too; a template the agent may not use is not kept at all.
    client.post(
        f"/tickets/{ticket.pk}/draft",
        {"kind": "reply", "text": "x", "template": str(template.pk), "macro": "drop"},
    )
    assert Draft.objects.get(ticket=ticket).macro_dropped
    assert "Not applied: the macro of “Refund policy”." in page_text(client, ticket)
    bills = template_create(
        actor=agent_create(email="bill@example.com", name="Bill", role="agent"),
        name="Bill's own",
        variants={"en": "Mine."},
    )
    client.post(f"/tickets/{ticket.pk}/draft", {"kind": "reply", "text": "x", "template": bills.pk})
    assert Draft.objects.get(ticket=ticket).template is None


def test_sending_applies_the_macro_and_counts_the_use(
    client: Client, mailbox: Mailbox, ann: Agent
) -> None:
    template = pending_refund(ann)
    ticket = new_ticket(mailbox)
    response = client.post(
        f"/tickets/{ticket.pk}/reply",
        {"kind": "reply", "text": "Your refund is on its way.", "template": str(template.pk)},
        follow=True,
    )
    assert response.status_code == 200
    assert "Reply sent; the ticket is pending now." in html.unescape(response.content.decode())
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("pending", "high")
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    use = TemplateUse.objects.get()
    assert use.message == ticket.messages.get(kind=MessageKind.REPLY)
    assert use.language == "en" and use.agent == ann
    assert not Draft.objects.exists()


def test_a_note_ignores_the_template(client: Client, mailbox: Mailbox, ann: Agent) -> None:
    template = pending_refund(ann)
    ticket = new_ticket(mailbox)
    client.post(
        f"/tickets/{ticket.pk}/reply",
        {"kind": "note", "text": "Sent the policy by phone.", "template": str(template.pk)},
    )
    ticket.refresh_from_db()
    assert ticket.status == "new" and not ticket.tags.exists()
    assert not TemplateUse.objects.exists()


def test_a_macro_that_cannot_be_applied_is_said_with_the_draft_kept(
    client: Client, mailbox: Mailbox, ann: Agent
) -> None:
    gone = Team.objects.create(name="Old team")
    template = pending_refund(ann, team=gone.pk)
    gone_id = gone.pk
    gone.delete()
    ticket = new_ticket(mailbox)
    response = client.post(
        f"/tickets/{ticket.pk}/reply",
        {"kind": "reply", "text": "Your refund is on its way.", "template": str(template.pk)},
        follow=True,
    )
    assert response.status_code == 200
    said = html.unescape(response.content.decode())
    assert (
        f"not sent: the macro of template 'Refund policy' moves the ticket to team {gone_id}, "
        "which no longer exists. Send it without the macro (×)"
    ) in said
    assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()
    assert not TemplateUse.objects.exists()
    draft = Draft.objects.get(ticket=ticket)
    assert (draft.text, draft.template) == ("Your refund is on its way.", template)
    ticket.refresh_from_db()
    assert ticket.status == "new" and not ticket.tags.exists()

    # Sent without the macro, it goes; the use still counts.
    client.post(
        f"/tickets/{ticket.pk}/reply",
        {"kind": "reply", "text": "Your refund.", "template": template.pk, "macro": "drop"},
    )
    ticket.refresh_from_db()
    assert ticket.status == "open" and not ticket.tags.exists()
    assert TemplateUse.objects.filter(ticket=ticket).count() == 1


def test_a_template_no_longer_approved_is_said_not_a_500(
    client: Client, mailbox: Mailbox, ann: Agent
) -> None:
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor")
    shared = template_create(
        actor=ann, name="Shared refund", scope="shared", variants={"en": "Refund."}
    )
    template_move(actor=ann, template=shared, state=State.IN_REVIEW)
    template_move(actor=sue, template=shared, state=State.APPROVED)
    ticket = new_ticket(mailbox)
    template_move(actor=sue, template=shared, state=State.RETIRED)
    response = client.post(
        f"/tickets/{ticket.pk}/reply",
        {"kind": "reply", "text": "Refund.", "template": shared.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert "not sent: template 'Shared refund' is not approved" in html.unescape(
        response.content.decode()
    )
    assert Draft.objects.get(ticket=ticket).text == "Refund."
    assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()


@pytest.mark.parametrize("value", ["²", "x", "-1", "99999999999999999999", ""])
def test_a_template_field_that_is_not_an_id_is_ignored(
    client: Client, mailbox: Mailbox, ann: Agent, value: str
) -> None:
    ticket = new_ticket(mailbox)
    fields = {"kind": "reply", "text": "Hello.", "template": value, "since": value}
    assert client.post(f"/tickets/{ticket.pk}/draft", fields).status_code == 200
    assert Draft.objects.get(ticket=ticket).template is None
    assert client.post(f"/tickets/{ticket.pk}/reply", fields).status_code == 302
    assert ticket.messages.filter(kind=MessageKind.REPLY).count() == 1
    assert not TemplateUse.objects.exists()
