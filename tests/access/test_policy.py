"""The access policy's rules: in memory over plain dataclasses, and its Q objects against the
real database (they must select exactly what the in-memory rules allow)."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from caredesk.access import (
    ANONYMOUS,
    Action,
    AgentPrincipal,
    CustomerPrincipal,
    Principal,
    admin_page_permits,
    admin_site_permits,
    article_check,
    article_permits,
    attachments_visible,
    draft_permits,
    drafts_visible,
    glossary_check,
    glossary_permits,
    intake_check,
    intake_permits,
    intake_visible,
    message_check,
    message_permits,
    messages_visible,
    notification_permits,
    notifications_visible,
    principal_of,
    saved_view_check,
    saved_view_permits,
    saved_views_visible,
    template_check,
    template_permits,
    ticket_check,
    ticket_permits,
    tickets_visible,
)
from caredesk.access.policy import INTERNAL_KINDS
from caredesk.accounts.models import Team
from caredesk.accounts.services import agent_create
from caredesk.core.errors import Forbidden, NotFound
from caredesk.customers.models import Customer
from caredesk.inbound.models import InboundMessage
from caredesk.mailboxes.services import mailbox_create
from caredesk.tickets.models import Attachment, Message, MessageKind, Ticket

BILLING, TECHNICAL = 1, 2
ADMIN = AgentPrincipal(id=1, role="admin", team_ids=())
SUPERVISOR = AgentPrincipal(id=2, role="supervisor", team_ids=())
BILL = AgentPrincipal(id=3, role="agent", team_ids=(BILLING,))
TINA = AgentPrincipal(id=4, role="agent", team_ids=(TECHNICAL,))
JANE = CustomerPrincipal(customer_id=10)


@dataclass(frozen=True)
class T:  # a ticket, as far as the policy cares
    pk: int = 8
    team_id: int | None = TECHNICAL
    assignee_id: int | None = None
    customer_id: int = 10


@dataclass(frozen=True)
class M:
    ticket: T
    kind: str = "customer"
    pk: int = 80


# --- tickets ------------------------------------------------------------------------------


def test_who_sees_a_ticket() -> None:
    technical = T()
    assert [ticket_permits(p, technical, Action.VIEW) for p in (ADMIN, SUPERVISOR, TINA)] == [
        True,
        True,
        True,
    ]
    assert not ticket_permits(BILL, technical, Action.VIEW)  # another team's
    assert ticket_permits(BILL, T(team_id=None), Action.VIEW)  # nobody's yet: to triage
    assert ticket_permits(BILL, T(assignee_id=BILL.id), Action.VIEW)  # assigned across teams
    assert ticket_permits(JANE, technical, Action.VIEW)  # her own
    assert not ticket_permits(JANE, T(customer_id=11), Action.VIEW)
    assert not ticket_permits(ANONYMOUS, T(team_id=None), Action.VIEW)


def test_agents_do_everything_to_what_they_see_customers_read_and_answer() -> None:
    work = [Action.REPLY, Action.NOTE, Action.CHANGE, Action.MERGE, Action.SPLIT]
    assert all(ticket_permits(TINA, T(), action) for action in work)
    assert not any(ticket_permits(BILL, T(), action) for action in work)
    assert ticket_permits(JANE, T(), Action.REPLY)
    for action in (Action.NOTE, Action.CHANGE, Action.MERGE, Action.SPLIT):
        assert not ticket_permits(JANE, T(), action)
    assert not ticket_permits(SUPERVISOR, T(), Action.DELETE)  # no one deletes tickets


def test_a_refusal_says_404_for_what_is_unseen_and_403_for_what_is_seen() -> None:
    with pytest.raises(NotFound, match=r"^there is no ticket #8$"):
        ticket_check(BILL, T(), Action.VIEW)
    with pytest.raises(NotFound, match=r"^there is no ticket #8$"):
        ticket_check(BILL, T(), Action.NOTE)  # a write on what they cannot see: still 404
    with pytest.raises(Forbidden, match="you may not note this ticket"):
        ticket_check(JANE, T(), Action.NOTE)
    with pytest.raises(NotFound):
        ticket_check(JANE, T(customer_id=11), Action.NOTE)
    ticket_check(TINA, T(), Action.MERGE)


def test_customers_never_see_internal_notes() -> None:
    assert INTERNAL_KINDS == (MessageKind.NOTE,)
    note, email = M(T(), kind="note"), M(T(), kind="customer")
    assert message_permits(JANE, email, Action.VIEW)
    assert not message_permits(JANE, note, Action.VIEW)
    with pytest.raises(NotFound, match="there is no message 80"):
        message_check(JANE, note, Action.VIEW)
    assert message_permits(TINA, note, Action.VIEW)
    assert not message_permits(BILL, email, Action.VIEW)


def test_intake_rows_and_the_admin_site_are_for_admins() -> None:
    assert intake_permits(ADMIN, Action.VIEW) and intake_permits(ADMIN, Action.REPROCESS)
    for principal in (SUPERVISOR, TINA, JANE, ANONYMOUS):
        assert not intake_permits(principal, Action.VIEW)
        with pytest.raises(NotFound, match="there is no inbound message 5"):
            intake_check(principal, Action.VIEW, missing="there is no inbound message 5")
    with pytest.raises(Forbidden):
        intake_check(ADMIN, Action.DELETE, missing="")
    # Admins use the whole admin; supervisors enter it for the glossary alone.
    assert [admin_site_permits(p) for p in (ADMIN, SUPERVISOR, TINA, JANE, ANONYMOUS)] == [
        True,
        True,
        False,
        False,
        False,
    ]
    pages = [
        ("index", ""),
        ("jsi18n", ""),
        ("password_change", ""),
        ("glossary_glossaryterm_change", "glossary"),
        ("app_list", "glossary"),
        ("tickets_ticket_changelist", "tickets"),
        ("app_list", "accounts"),
    ]
    opened = {
        name: [admin_page_permits(p, page=page, app_label=app) for page, app in pages]
        for name, p in (("admin", ADMIN), ("supervisor", SUPERVISOR), ("agent", TINA))
    }
    assert opened == {
        "admin": [True] * 7,
        "supervisor": [True, True, False, True, True, False, False],
        "agent": [False] * 7,
    }
    assert not admin_page_permits(JANE, page="index", app_label="")


def test_every_agent_reads_the_glossary_supervisors_and_admins_change_it() -> None:
    for principal in (ADMIN, SUPERVISOR, TINA):
        assert glossary_permits(principal, Action.VIEW)
    for principal in (ADMIN, SUPERVISOR):
        assert glossary_permits(principal, Action.CHANGE)
        assert glossary_permits(principal, Action.DELETE)
    with pytest.raises(Forbidden, match="only supervisors and admins change the glossary"):
        glossary_check(TINA, Action.CHANGE)
    for outsider in (JANE, ANONYMOUS):
        with pytest.raises(NotFound):
            glossary_check(outsider, Action.VIEW)


# --- what is one agent's own ---------------------------------------------------------------


@dataclass(frozen=True)
class Owned:
    agent_id: int


@dataclass(frozen=True)
class View:
    owner_id: int
    shared: bool
    pk: int = 5


def test_drafts_and_notifications_are_their_agents_alone() -> None:
    for permits in (draft_permits, notification_permits):
        assert permits(TINA, Owned(TINA.id), Action.VIEW)
        assert permits(TINA, Owned(TINA.id), Action.CHANGE)
        assert not permits(SUPERVISOR, Owned(TINA.id), Action.VIEW)  # not even supervisors'
        assert not permits(ADMIN, Owned(TINA.id), Action.DELETE)
        assert not permits(JANE, Owned(TINA.id), Action.VIEW)


def test_saved_views_private_to_their_owner_shared_ones_changed_by_owner_or_managers() -> None:
    private, shared = (
        View(owner_id=TINA.id, shared=False),
        View(owner_id=SUPERVISOR.id, shared=True),
    )
    assert saved_view_permits(TINA, private, Action.DELETE)
    assert not saved_view_permits(SUPERVISOR, private, Action.VIEW)
    with pytest.raises(NotFound, match="there is no saved view 5"):
        saved_view_check(ADMIN, private, Action.DELETE)  # another's private view: unseen
    assert saved_view_permits(BILL, shared, Action.VIEW)
    with pytest.raises(Forbidden, match="only its owner, a supervisor or an admin"):
        saved_view_check(BILL, shared, Action.DELETE)
    assert saved_view_permits(ADMIN, shared, Action.CHANGE)
    assert not saved_view_permits(TINA, private, Action.SHARE)
    assert saved_view_permits(SUPERVISOR, View(owner_id=SUPERVISOR.id, shared=False), Action.SHARE)
    assert not saved_view_permits(JANE, shared, Action.VIEW)


# --- templates and articles (their models come later; the rules are here now) -------------


@dataclass(frozen=True)
class Template:
    scope: str
    owner_id: int | None = None
    team_id: int | None = None
    approved: bool = True
    pk: int = 3


def test_templates_personal_team_and_shared() -> None:
    personal = Template("personal", owner_id=TINA.id)
    technical = Template("team", owner_id=SUPERVISOR.id, team_id=TECHNICAL)
    shared = Template("shared", owner_id=SUPERVISOR.id)
    assert template_permits(TINA, personal, Action.USE)
    assert not template_permits(BILL, personal, Action.VIEW)
    assert template_permits(TINA, technical, Action.USE)
    assert not template_permits(BILL, technical, Action.VIEW)
    assert template_permits(BILL, shared, Action.USE)
    assert all(template_permits(SUPERVISOR, t, Action.VIEW) for t in (personal, technical))
    for outsider in (JANE, ANONYMOUS):
        with pytest.raises(NotFound, match="there is no template 3"):
            template_check(outsider, shared, Action.VIEW)


def test_only_approved_templates_are_offered_and_supervisors_review_them() -> None:
    waiting = Template("shared", owner_id=TINA.id, approved=False)
    assert not template_permits(BILL, waiting, Action.VIEW)  # only its owner and reviewers
    assert template_permits(TINA, waiting, Action.VIEW)
    with pytest.raises(Forbidden, match="waiting for a supervisor's review"):
        template_check(TINA, waiting, Action.USE)
    assert template_permits(SUPERVISOR, waiting, Action.USE)
    with pytest.raises(Forbidden, match="only supervisors and admins review"):
        template_check(TINA, waiting, Action.REVIEW)  # not even its owner
    assert template_permits(ADMIN, waiting, Action.REVIEW)
    assert template_permits(TINA, waiting, Action.CHANGE)  # the owner edits it
    with pytest.raises(NotFound, match="there is no template 3"):
        template_check(BILL, waiting, Action.CHANGE)
    with pytest.raises(Forbidden, match="only its owner"):
        template_check(BILL, Template("shared", owner_id=TINA.id), Action.CHANGE)


@dataclass(frozen=True)
class Article:
    published: bool
    internal: bool
    pk: int = 4
    section_owner_id: int | None = None


def test_articles_public_internal_and_drafts() -> None:
    public = Article(published=True, internal=False)
    internal = Article(published=True, internal=True)
    draft = Article(published=False, internal=False)
    for everyone in (ADMIN, TINA, JANE, ANONYMOUS):
        assert article_permits(everyone, public, Action.VIEW)
    for article in (internal, draft):
        assert article_permits(TINA, article, Action.VIEW)
        for outsider in (JANE, ANONYMOUS):
            with pytest.raises(NotFound, match="there is no article 4"):
                article_check(outsider, article, Action.VIEW)
    with pytest.raises(Forbidden):
        article_check(ANONYMOUS, public, Action.CHANGE)
    assert article_permits(TINA, draft, Action.CHANGE)
    with pytest.raises(Forbidden, match="only supervisors, admins and the section's owner"):
        article_check(TINA, draft, Action.REVIEW)
    assert article_permits(SUPERVISOR, draft, Action.REVIEW)
    owned = Article(published=False, internal=False, section_owner_id=TINA.id)
    assert article_permits(TINA, owned, Action.REVIEW)  # the section's owner publishes
    with pytest.raises(Forbidden, match="only supervisors and admins delete"):
        article_check(TINA, owned, Action.DELETE)
    assert article_permits(SUPERVISOR, owned, Action.DELETE)


def test_articles_visible_to_the_public_are_published_public_ones() -> None:
    from django.db.models import Q

    from caredesk.access import articles_visible

    assert articles_visible(TINA) == Q()
    for outsider in (JANE, ANONYMOUS):
        assert articles_visible(outsider) == Q(state="published", visibility="public")
    assert articles_visible(ANONYMOUS, via="article__") == Q(
        article__state="published", article__visibility="public"
    )


# --- principals -----------------------------------------------------------------------------


def test_only_an_active_agent_is_more_than_anonymous(db: None) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="supervisor", team="Billing")
    principal = principal_of(ann)
    assert isinstance(principal, AgentPrincipal) and principal.is_manager
    assert principal.team_ids == {Team.objects.get(name="Billing").pk}
    ann.is_active = False
    assert principal_of(ann) is ANONYMOUS
    assert principal_of(AnonymousUser()) is ANONYMOUS
    assert principal_of(None) is ANONYMOUS


def test_the_policy_imports_nothing_of_caredesk_but_core_and_accounts() -> None:
    """Services and admin modules of every app call it, so it must not depend on them."""
    package = Path(__file__).parents[2] / "caredesk" / "access"
    imported = set()
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    ours = {name for name in imported if name.split(".")[0] == "caredesk"}
    allowed = ("caredesk.access", "caredesk.core", "caredesk.accounts")
    assert ours and all(name.startswith(allowed) for name in ours), sorted(ours)


# --- the Q objects select exactly what the in-memory rules allow --------------------------


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    mailbox = mailbox_create(address="support@example.com")
    billing, technical = Team.objects.create(name="Billing"), Team.objects.create(name="Technical")
    people = {
        "admin": agent_create(email="a@example.com", name="A", role="admin"),
        "supervisor": agent_create(email="s@example.com", name="S", role="supervisor"),
        "bill": agent_create(email="b@example.com", name="B", role="agent", team="Billing"),
        "tina": agent_create(email="t@example.com", name="T", role="agent", team="Technical"),
        "both": agent_create(email="x@example.com", name="X", role="agent"),
    }
    people["both"].teams.add(billing, technical)
    jane, kim = Customer.objects.create(name="Jane"), Customer.objects.create(name="Kim")
    tickets = []
    for team, assignee, customer in itertools.product(
        (None, billing, technical), (None, people["bill"], people["tina"]), (jane, kim)
    ):
        ticket = Ticket.objects.create(
            mailbox=mailbox, customer=customer, team=team, assignee=assignee
        )
        tickets.append(ticket)
        for kind in (MessageKind.CUSTOMER, MessageKind.NOTE):
            message = Message.objects.create(ticket=ticket, mailbox=mailbox, kind=kind)
            Attachment.objects.create(
                message=message, filename="a.txt", content_type="text/plain", size=1, sha256="0"
            )
    principals: list[Principal] = [principal_of(agent) for agent in people.values()]
    principals += [CustomerPrincipal(customer_id=jane.pk), ANONYMOUS]
    return {"principals": principals, "tickets": tickets, "people": people, "mailbox": mailbox}


def test_ticket_and_message_queries_match_the_rules(world: dict[str, Any]) -> None:
    for principal in world["principals"]:
        for teams_known in (False, True):
            if teams_known and isinstance(principal, AgentPrincipal):
                # Once read, the Q uses the team ids themselves rather than a subquery.
                assert isinstance(principal.team_ids, frozenset)
            tickets = Ticket.objects.filter(tickets_visible(principal))
            assert set(tickets) == {
                t for t in world["tickets"] if ticket_permits(principal, t, Action.VIEW)
            }, principal
            messages = Message.objects.filter(messages_visible(principal))
            assert set(messages) == {
                m for m in Message.objects.all() if message_permits(principal, m, Action.VIEW)
            }, principal
            files = Attachment.objects.filter(attachments_visible(principal))
            assert {a.message_id for a in files} == {m.pk for m in messages}, principal
            # The same rule reached through a relation (`via`), as counts and panels use it.
            customers = Customer.objects.filter(tickets_visible(principal, via="tickets__"))
            assert set(customers.distinct()) == {t.customer for t in tickets}, principal


def test_owned_rows_and_intake_queries_match_the_rules(world: dict[str, Any]) -> None:
    from caredesk.notifications.models import Notification
    from caredesk.workspace.models import Draft, SavedView

    tina, bill = world["people"]["tina"], world["people"]["bill"]
    ticket = world["tickets"][0]
    for agent in (tina, bill):
        Draft.objects.create(agent=agent, ticket=ticket, text="…", saved_at=ticket.created_at)
        Notification.objects.create(agent=agent, kind="sla_warning", text="due soon")
        SavedView.objects.create(owner=agent, name="mine", filters="view=open")
    SavedView.objects.create(owner=world["people"]["supervisor"], name="all", shared=True)
    InboundMessage.objects.create(mailbox=world["mailbox"], source="smtp", raw=b"x", size=1)
    # Each rule takes its own kind of row; the loop hands it rows of that kind only.
    Row = Draft | Notification | SavedView
    rules: list[tuple[type[Row], Callable[[Principal], Q], Callable[[Any, Any, Action], bool]]]
    rules = [
        (Draft, drafts_visible, draft_permits),
        (Notification, notifications_visible, notification_permits),
        (SavedView, saved_views_visible, saved_view_permits),
    ]
    for principal in world["principals"]:
        for model, query, permits in rules:
            assert set(model.objects.filter(query(principal))) == {
                row for row in model.objects.all() if permits(principal, row, Action.VIEW)
            }, (model, principal)
        intake = InboundMessage.objects.filter(intake_visible(principal))
        assert intake.exists() == intake_permits(principal, Action.VIEW), principal
