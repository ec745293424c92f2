"""Saved replies on a real database: what each agent is offered, the variant a customer gets,
the values filled in for a ticket, the review of shared templates, and the composer refusing a
reply that still holds a placeholder."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from caredesk.access import (
    Action,
    AgentPrincipal,
    principal_of,
    template_permits,
    templates_visible,
)
from caredesk.accounts.models import Agent, Team
from caredesk.accounts.services import agent_create
from caredesk.core.errors import Forbidden, InvalidRequest, NotFound
from caredesk.mailboxes.models import Mailbox
from caredesk.replies.models import ReplyTemplate, State
from caredesk.replies.selectors import (
    template_get,
    template_offered_list,
    template_preview,
    template_variant_for,
)
from caredesk.replies.services import template_create, template_move, template_variant_set
from caredesk.tickets.models import MessageKind, Ticket
from caredesk.workspace.models import Draft
from tests.api.support import new_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: None) -> dict[str, Agent]:
    return {
        "sue": agent_create(email="sue@example.com", name="Sue Boss", role="supervisor"),
        "tina": agent_create(email="tina@example.com", name="Tina", role="agent", team="Technical"),
        "bill": agent_create(email="bill@example.com", name="Bill", role="agent", team="Billing"),
    }


@pytest.fixture
def refund(people: dict[str, Agent]) -> ReplyTemplate:
    """A shared template in English and German, approved by Sue."""
    template = template_create(
        actor=people["tina"],
        name="Refund policy",
        scope="shared",
        variants={
            "en": "Hello {{ customer.first_name }}, your refund for {{ ticket.reference }}.",
            "de": "Hallo {{ customer.first_name }}, Ihre Erstattung zu {{ ticket.reference }}.",
        },
    )
    template_move(actor=people["tina"], template=template, state=State.IN_REVIEW)
    return template_move(actor=people["sue"], template=template, state=State.APPROVED)


def german_ticket(mailbox: Mailbox) -> Ticket:
    ticket = new_ticket(mailbox, sender="Anna Schmidt <anna@example.de>", subject="Erstattung")
    ticket.customer.language = "de"
    ticket.customer.save(update_fields=["language"])
    return ticket


def test_a_german_customer_gets_the_german_variant_with_their_first_name(
    mailbox: Mailbox, people: dict[str, Agent], refund: ReplyTemplate
) -> None:
    ticket = german_ticket(mailbox)
    got = template_preview(template=refund, ticket=ticket, agent=people["tina"])
    assert got.language == "de"
    assert got.rendered.text == f"Hallo Anna, Ihre Erstattung zu #{ticket.pk}."
    assert got.rendered.missing == ()


def test_without_the_customers_language_the_mailboxs_is_used_then_the_first(
    mailbox: Mailbox, people: dict[str, Agent], refund: ReplyTemplate
) -> None:
    ticket = new_ticket(mailbox)
    ticket.customer.language = "fr"
    ticket.customer.save(update_fields=["language"])
    assert template_variant_for(template=refund, customer_language="fr", mailbox_language="en")
    mailbox.language = "de"
    mailbox.save(update_fields=["language"])
    ticket.refresh_from_db()
    assert template_preview(template=refund, ticket=ticket, agent=people["tina"]).language == "de"
    mailbox.language = "ja"
    mailbox.save(update_fields=["language"])
    ticket.refresh_from_db()
    assert template_preview(template=refund, ticket=ticket, agent=people["tina"]).language == "en"


def test_a_missing_value_shows_as_a_placeholder_in_the_preview(
    mailbox: Mailbox, people: dict[str, Agent]
) -> None:
    ticket = new_ticket(mailbox, sender="anna@example.de")  # no name to greet
    template = template_create(
        actor=people["tina"],
        name="Greeting",
        variants={"en": "Hi {{ customer.first_name }}, {{ agent.signature }}{{ settings.DEBUG }}"},
    )
    got = template_preview(template=template, ticket=ticket, agent=people["tina"])
    assert got.rendered.missing == ("customer.first_name", "agent.signature", "settings.DEBUG")
    assert got.as_json()["text"] == (
        "Hi [missing: customer.first_name], [missing: agent.signature][missing: settings.DEBUG]"
    )


def test_the_promised_reply_is_the_running_targets_due_time(
    mailbox: Mailbox, people: dict[str, Agent]
) -> None:
    ticket = new_ticket(mailbox)
    template = template_create(
        actor=people["tina"], name="When", variants={"en": "We answer {{ ticket.promised_reply }}."}
    )
    text = template_preview(template=template, ticket=ticket, agent=people["tina"]).rendered.text
    assert re.fullmatch(r"We answer .*\d\d:\d\d.*\.", text), text


def test_only_approved_templates_are_offered_and_search_finds_name_or_text(
    people: dict[str, Agent], refund: ReplyTemplate
) -> None:
    tina, bill, sue = (principal_of(people[n]) for n in ("tina", "bill", "sue"))
    waiting = template_create(
        actor=people["tina"], name="Refund exceptions", scope="shared", variants={"en": "Rare."}
    )
    mine = template_create(actor=people["bill"], name="Bill's sign-off", variants={"en": "Cheers"})
    team = template_create(
        actor=people["sue"],
        name="Outage",
        scope="team",
        team=Team.objects.get(name="Technical"),
        variants={"en": "We know about the outage and your refund is safe."},
    )
    assert [t.name for t in template_offered_list(principal=bill)] == [
        "Bill's sign-off",
        "Refund policy",
    ]
    assert [t.name for t in template_offered_list(principal=tina)] == ["Outage", "Refund policy"]
    # The supervisor reviews every template but is offered only the approved ones.
    assert waiting not in template_offered_list(principal=sue)
    assert [t.name for t in template_offered_list(principal=tina, query="refund")] == [
        "Outage",  # by its text
        "Refund policy",  # by its name
    ]
    assert template_offered_list(principal=tina, query="ERSTATTUNG zu") == [refund]
    assert template_offered_list(principal=tina, query="refund sign-off") == []
    with pytest.raises(NotFound, match=f"there is no template {mine.pk}"):
        template_get(pk=mine.pk, principal=tina, action=Action.USE)
    with pytest.raises(NotFound):
        template_get(pk=waiting.pk, principal=bill)
    with pytest.raises(Forbidden, match="waiting for a supervisor's review"):
        template_get(pk=waiting.pk, principal=tina, action=Action.USE)
    assert template_get(pk=team.pk, principal=tina, action=Action.USE) == team


def test_the_query_selects_exactly_what_the_rule_allows(
    people: dict[str, Agent], refund: ReplyTemplate
) -> None:
    technical = Team.objects.get(name="Technical")
    for author in people.values():
        for scope in ("personal", "shared", "team"):
            template_create(
                actor=author,
                name=f"{scope} by {author.name}",
                scope=scope,
                team=(author.teams.first() or technical) if scope == "team" else None,
            )
    retired = template_create(actor=people["sue"], name="Old", scope="shared")
    template_move(actor=people["sue"], template=retired, state=State.RETIRED)
    admin = agent_create(email="root@example.com", name="Root", role="admin")
    everyone: list[Any] = [principal_of(a) for a in [*people.values(), admin]]
    everyone.append(AgentPrincipal(id=999, role="agent", team_ids=[]))
    for principal in everyone:
        by_query = set(ReplyTemplate.objects.filter(templates_visible(principal)))
        by_rule = {
            t for t in ReplyTemplate.objects.all() if template_permits(principal, t, Action.VIEW)
        }
        assert by_query == by_rule, principal


def test_the_review_of_a_shared_template(people: dict[str, Agent]) -> None:
    template = template_create(actor=people["tina"], name="Shipping", scope="shared")
    assert template.state == State.DRAFT
    with pytest.raises(InvalidRequest, match="cannot become approved"):
        template_move(actor=people["sue"], template=template, state=State.APPROVED)
    template_move(actor=people["tina"], template=template, state=State.IN_REVIEW)
    with pytest.raises(Forbidden, match="only supervisors and admins review"):
        template_move(actor=people["tina"], template=template, state=State.APPROVED)
    with pytest.raises(InvalidRequest, match="without a text cannot be approved"):
        template_move(actor=people["sue"], template=template, state=State.APPROVED)
    template_variant_set(actor=people["tina"], template=template, language="EN", body="Soon.")
    template = template_move(actor=people["sue"], template=template, state="approved")
    assert template.approved
    assert template.variants.get().language == "en"
    with pytest.raises(Forbidden, match="only its owner"):
        template_variant_set(actor=people["bill"], template=template, language="de", body="Bald")
    with pytest.raises(InvalidRequest, match="no template state 'gone'"):
        template_move(actor=people["sue"], template=template, state="gone")


def test_personal_and_team_templates_are_usable_at_once_and_are_not_reviewed(
    people: dict[str, Agent],
) -> None:
    mine = template_create(actor=people["bill"], name="Mine", variants={"en": "x"})
    assert mine.approved
    with pytest.raises(InvalidRequest, match="only shared templates are reviewed"):
        template_move(actor=people["bill"], template=mine, state=State.IN_REVIEW)
    with pytest.raises(Forbidden, match="you are not in Technical"):
        template_create(
            actor=people["bill"], name="T", scope="team", team=Team.objects.get(name="Technical")
        )
    with pytest.raises(InvalidRequest, match="needs its team"):
        template_create(actor=people["bill"], name="T", scope="team")
    with pytest.raises(InvalidRequest, match="status must be one of"):
        template_create(actor=people["bill"], name="M", actions={"status": "gone"})
    with pytest.raises(InvalidRequest, match="needs a name"):
        template_create(actor=people["bill"], name="  ")


def test_a_reply_still_holding_a_placeholder_is_not_sent_and_is_kept(
    client: Client, mailbox: Mailbox, people: dict[str, Agent]
) -> None:
    ticket = new_ticket(mailbox)
    client.force_login(people["sue"])
    text = "Hello [missing: customer.first_name], here is how."
    response = client.post(
        f"/tickets/{ticket.pk}/reply", {"kind": "reply", "text": text}, follow=True
    )
    page = response.content.decode()
    assert "not sent: the reply still has [missing: customer.first_name]" in page
    assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()
    assert Draft.objects.get(agent=people["sue"], ticket=ticket).text == text
    # A note is for the team: it may quote a placeholder.
    client.post(f"/tickets/{ticket.pk}/reply", {"kind": "note", "text": text})
    assert ticket.messages.filter(kind=MessageKind.NOTE).exists()


def test_the_picker_endpoints_answer_json(
    client: Client, mailbox: Mailbox, people: dict[str, Agent], refund: ReplyTemplate
) -> None:
    ticket = german_ticket(mailbox)
    client.force_login(people["bill"])
    listed = client.get(f"/tickets/{ticket.pk}/templates", {"q": "refund"}).json()
    assert [t["name"] for t in listed["templates"]] == ["Refund policy"]
    assert listed["templates"][0]["languages"] == ["en", "de"]
    shown = client.get(listed["templates"][0]["preview_url"]).json()
    assert shown["language"] == "de"
    assert shown["text"] == f"Hallo Anna, Ihre Erstattung zu #{ticket.pk}."
    assert client.get(f"/tickets/{ticket.pk}/templates/999999/preview").status_code == 404
    assert client.get(f"/tickets/{ticket.pk}/templates/99999999999/preview").status_code == 404
