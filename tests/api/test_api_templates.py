"""Replying through the API from a template: its use recorded and its macro applied, only
templates offered to the token's agent, and no reply still holding a placeholder."""

from __future__ import annotations

import pytest

from caredesk.accounts.models import Agent, Team
from caredesk.accounts.services import agent_create
from caredesk.outbound.models import OutboundEmail
from caredesk.replies.models import ReplyTemplate, TemplateUse
from caredesk.replies.services import template_create
from caredesk.tickets.models import Message, MessageKind, Ticket
from tests.api.support import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def refund(agent: Agent) -> ReplyTemplate:
    return template_create(
        actor=agent,
        name="Refund policy",
        variants={"en": "Your refund is on its way."},
        actions={"status": "pending", "tags": ["refund"]},
    )


def nothing_sent(ticket: Ticket) -> bool:
    return not (
        Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).exists()
        or OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY).exists()
        or TemplateUse.objects.exists()
    )


def test_a_reply_from_a_template_applies_its_macro(
    api: Api, ticket: Ticket, refund: ReplyTemplate, agent: Agent
) -> None:
    response = api.post(
        f"/tickets/{ticket.pk}/replies",
        {"text": "Your refund is on its way.", "template": refund.pk},
    )
    assert response.status_code == 201, response.content
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    use = TemplateUse.objects.get()
    assert (use.template, use.agent, use.language) == (refund, agent, "en")
    assert use.message_id == response.json()["id"]
    detail = api.get(f"/tickets/{ticket.pk}").json()
    assert "Ann Agent's template macro added the tag refund" in [
        e["text"] for e in detail["events"]
    ]


def test_status_after_wins_and_apply_macro_false_leaves_the_ticket(
    api: Api, ticket: Ticket, refund: ReplyTemplate
) -> None:
    body = {"text": "Done.", "template": refund.pk, "status_after": "solved"}
    assert api.post(f"/tickets/{ticket.pk}/replies", body).status_code == 201
    ticket.refresh_from_db()
    assert ticket.status == "solved" and ticket.tags.count() == 1

    other = Ticket.objects.get(pk=ticket.pk)
    other.tags.clear()
    body = {"text": "Again.", "template": refund.pk, "apply_macro": False}
    assert api.post(f"/tickets/{ticket.pk}/replies", body).status_code == 201
    assert not other.tags.exists()
    assert TemplateUse.objects.count() == 2


def test_a_placeholder_left_in_the_text_is_refused(api: Api, ticket: Ticket) -> None:
    response = api.post(
        f"/tickets/{ticket.pk}/replies", {"text": "Hello [missing: customer.first_name], hi."}
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "not sent: the reply still has [missing: customer.first_name]; "
        "write what belongs there, then send"
    }
    assert nothing_sent(ticket)


def test_only_templates_offered_to_the_agent(api: Api, ticket: Ticket) -> None:
    bill = agent_create(email="bill@example.com", name="Bill", role="agent")
    theirs = template_create(actor=bill, name="Bill's", variants={"en": "Mine."})
    response = api.post(f"/tickets/{ticket.pk}/replies", {"text": "Hi", "template": theirs.pk})
    assert response.status_code == 404
    assert response.json() == {"detail": f"there is no template {theirs.pk}"}

    unchecked = template_create(
        actor=Agent.objects.get(email="ann@example.com"),
        name="Unchecked",
        scope="shared",
        variants={"en": "Not reviewed."},
    )
    response = api.post(f"/tickets/{ticket.pk}/replies", {"text": "Hi", "template": unchecked.pk})
    assert response.status_code == 403
    assert "is not approved" in response.json()["detail"]

    for bad in (0, -1, 2**31, "x"):
        response = api.post(f"/tickets/{ticket.pk}/replies", {"text": "Hi", "template": bad})
        assert response.status_code == 422, bad
    assert nothing_sent(ticket)


def test_a_macro_naming_a_team_gone_is_400_with_nothing_half_done(
    api: Api, ticket: Ticket, agent: Agent
) -> None:
    gone = Team.objects.create(name="Old team")
    gone_id = gone.pk
    template = template_create(
        actor=agent,
        name="Move on",
        variants={"en": "Moving this on."},
        actions={"team": gone_id, "tags": ["moved"]},
    )
    gone.delete()
    response = api.post(f"/tickets/{ticket.pk}/replies", {"text": "Hi", "template": template.pk})
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"the macro of template 'Move on' moves the ticket to team {gone_id}, "
        "which no longer exists"
    }
    assert nothing_sent(ticket)
    assert not Ticket.objects.get(pk=ticket.pk).tags.exists()
