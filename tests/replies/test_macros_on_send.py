"""A reply sent from a template, on a real database: its use recorded, its macro applied
through the ticket services as the sending agent's (marked as the macro's), the agent's own
status winning, and a macro that cannot be applied refusing the whole reply."""

from __future__ import annotations

from datetime import UTC

import pytest

from caredesk.accounts.models import Agent, Team
from caredesk.accounts.services import agent_create
from caredesk.core.errors import Forbidden, NotFound
from caredesk.history.kinds import EventKind
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail
from caredesk.replies.models import ReplyTemplate, State, TemplateUse
from caredesk.replies.selectors import macro_described
from caredesk.replies.sending import MacroRefused, ticket_reply_from_template
from caredesk.replies.services import template_create, template_move
from caredesk.tickets.history import events_described
from caredesk.tickets.models import Message, MessageKind, Ticket
from tests.api.support import new_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tina(db: None) -> Agent:
    return agent_create(email="tina@example.com", name="Tina", role="agent", team="Billing")


@pytest.fixture
def bill(db: None) -> Agent:
    return agent_create(email="bill@example.com", name="Bill", role="agent", team="Billing")


def refund_template(owner: Agent, **actions: object) -> ReplyTemplate:
    return template_create(
        actor=owner,
        name="Refund policy",
        variants={"en": "Your refund is on its way.", "de": "Ihre Erstattung ist unterwegs."},
        actions=dict(actions),
    )


def german_ticket(mailbox: Mailbox) -> Ticket:
    ticket = new_ticket(mailbox, sender="Anna Schmidt <anna@example.de>", subject="Erstattung")
    ticket.customer.language = "de"
    ticket.customer.save(update_fields=["language"])
    return ticket


def replies_on(ticket: Ticket) -> int:
    return Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).count()


def test_the_reply_records_its_use_and_the_macro_sets_every_field(
    mailbox: Mailbox, tina: Agent, bill: Agent
) -> None:
    billing = Team.objects.get(name="Billing")
    template = refund_template(
        tina,
        status="pending",
        priority="high",
        team=billing.pk,
        assignee=bill.pk,
        category="refunds",
        tags=["refund", "Money Back"],
    )
    ticket = german_ticket(mailbox)

    message = ticket_reply_from_template(
        ticket=ticket, author=tina, template_id=template.pk, text="Ihre Erstattung ist unterwegs."
    )

    use = TemplateUse.objects.get()
    assert (use.template, use.ticket, use.message, use.agent) == (template, ticket, message, tina)
    assert use.language == "de"  # the variant the German customer gets
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    assert ticket.priority == "high"
    assert ticket.team == billing
    assert ticket.assignee == bill
    assert ticket.category == "refunds"
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["money back", "refund"]
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY).count() == 1

    by_macro = list(ticket.events.filter(data__by="macro").order_by("id"))
    assert {e.kind for e in by_macro} == {
        EventKind.STATUS_CHANGED,
        EventKind.PRIORITY_SET,
        EventKind.TEAM_CHANGED,
        EventKind.ASSIGNED,
        EventKind.CATEGORY_CHANGED,
        EventKind.TAG_ADDED,
    }
    assert all(e.actor_id == tina.pk for e in by_macro)
    words = list(events_described(by_macro, zone=UTC).values())
    assert (
        "Tina's template macro changed the status from Open to Pending (waiting on customer)"
        in words
    )
    assert "Tina's template macro added the tag refund" in words
    assert "Tina's template macro assigned it to Bill" in words
    # The reply itself (and the status it brings, new -> open) is Tina's own.
    replied = ticket.events.get(kind=EventKind.REPLIED)
    assert replied.actor_id == tina.pk and "by" not in replied.data


def test_the_agents_own_status_wins_over_the_macros(mailbox: Mailbox, tina: Agent) -> None:
    template = refund_template(tina, status="pending", tags=["refund"])
    ticket = new_ticket(mailbox)
    ticket_reply_from_template(
        ticket=ticket, author=tina, template_id=template.pk, text="Done.", status_after="solved"
    )
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    assert not ticket.events.filter(kind=EventKind.STATUS_CHANGED, data__by="macro").exists()


def test_a_dropped_macro_still_counts_the_use_and_changes_nothing(
    mailbox: Mailbox, tina: Agent
) -> None:
    template = refund_template(tina, status="pending", tags=["refund"])
    ticket = new_ticket(mailbox)
    ticket_reply_from_template(
        ticket=ticket, author=tina, template_id=template.pk, text="Done.", apply_macro=False
    )
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert not ticket.tags.exists()
    assert TemplateUse.objects.filter(ticket=ticket, template=template).count() == 1


def assert_nothing_happened(ticket: Ticket) -> None:
    assert replies_on(ticket) == 0
    assert not TemplateUse.objects.exists()
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY).exists()
    assert not ticket.events.filter(kind=EventKind.REPLIED).exists()
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.team_id, fresh.assignee_id) == ("new", None, None)
    assert not fresh.tags.exists()


def test_a_macro_naming_a_team_gone_refuses_the_reply_and_changes_nothing(
    mailbox: Mailbox, tina: Agent
) -> None:
    gone = Team.objects.create(name="Old team")
    gone_id = gone.pk
    template = refund_template(tina, team=gone_id, tags=["refund"])
    gone.delete()
    ticket = new_ticket(mailbox)
    with pytest.raises(MacroRefused, match=f"team {gone_id}, which no longer exists"):
        ticket_reply_from_template(ticket=ticket, author=tina, template_id=template.pk, text="Hi")
    assert_nothing_happened(ticket)
    # Without the macro, the same reply goes.
    ticket_reply_from_template(
        ticket=ticket, author=tina, template_id=template.pk, text="Hi", apply_macro=False
    )
    assert replies_on(ticket) == 1


def test_a_macro_assigning_an_agent_no_longer_active_is_refused(
    mailbox: Mailbox, tina: Agent, bill: Agent
) -> None:
    template = refund_template(tina, assignee=bill.pk, status="pending")
    Agent.objects.filter(pk=bill.pk).update(is_active=False)
    ticket = new_ticket(mailbox)
    with pytest.raises(MacroRefused, match="no longer an active agent"):
        ticket_reply_from_template(ticket=ticket, author=tina, template_id=template.pk, text="Hi")
    assert_nothing_happened(ticket)


def test_a_status_the_ticket_cannot_take_undoes_the_reply_too(
    mailbox: Mailbox, tina: Agent
) -> None:
    # Open -> closed is not in the state table (a ticket is solved before it is closed); the
    # macro's tags come before nothing: the whole reply is undone.
    template = refund_template(tina, status="closed", tags=["refund"])
    ticket = new_ticket(mailbox)
    with pytest.raises(MacroRefused, match="a open ticket cannot become closed"):
        ticket_reply_from_template(ticket=ticket, author=tina, template_id=template.pk, text="Hi")
    assert_nothing_happened(ticket)


def test_only_a_template_offered_to_the_agent_is_sent_from(
    mailbox: Mailbox, tina: Agent, bill: Agent
) -> None:
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor")
    theirs = refund_template(bill)  # Bill's personal template
    unchecked = template_create(
        actor=tina, name="Unchecked", scope="shared", variants={"en": "Not reviewed yet."}
    )
    ticket = new_ticket(mailbox)
    with pytest.raises(NotFound, match=f"there is no template {theirs.pk}"):
        ticket_reply_from_template(ticket=ticket, author=tina, template_id=theirs.pk, text="Hi")
    with pytest.raises(NotFound):
        ticket_reply_from_template(ticket=ticket, author=tina, template_id=999_999, text="Hi")
    # Its owner and a supervisor see a shared draft, but it is not offered until approved.
    for who in (tina, sue):
        with pytest.raises(Forbidden, match="is not approved"):
            ticket_reply_from_template(
                ticket=ticket, author=who, template_id=unchecked.pk, text="Hi"
            )
    assert_nothing_happened(ticket)
    template_move(actor=tina, template=unchecked, state=State.IN_REVIEW)
    template_move(actor=sue, template=unchecked, state=State.APPROVED)
    ticket_reply_from_template(ticket=ticket, author=tina, template_id=unchecked.pk, text="Hi")
    assert replies_on(ticket) == 1


def test_the_macro_in_words(tina: Agent, bill: Agent) -> None:
    billing = Team.objects.get(name="Billing")
    template = refund_template(
        tina, status="pending", priority="high", team=billing.pk, assignee=bill.pk, tags=["refund"]
    )
    assert [text for _, text in macro_described(template)] == [
        "status Pending",
        "priority High",
        "team Billing",
        "assign to Bill",
        "tags +refund",
    ]
    billing.delete()
    assert ("team", "team (one that no longer exists)") in macro_described(template)
