"""Priority override, properties, assignment, SLA order and notifications over the API."""

from __future__ import annotations

from datetime import timedelta

from caredesk.accounts.models import Agent, Team
from caredesk.accounts.services import agent_create
from caredesk.core import clock
from caredesk.mailboxes.models import Mailbox
from caredesk.notifications.models import Notification
from caredesk.sla.models import SlaPolicy
from caredesk.tickets.models import Ticket
from caredesk.workspace.inbox import inbox_tickets, inbox_view
from tests.api.support import Api, new_ticket


def test_priority_override_needs_a_reason_and_keeps_it(api: Api, ticket: Ticket) -> None:
    missing = api.post(f"/tickets/{ticket.pk}/priority", {"priority": "urgent"})
    assert missing.status_code == 422
    blank = api.post(f"/tickets/{ticket.pk}/priority", {"priority": "urgent", "reason": "  "})
    assert blank.status_code == 400
    assert "say why" in blank.json()["detail"]

    body = api.post(
        f"/tickets/{ticket.pk}/priority", {"priority": "urgent", "reason": "payroll blocked"}
    ).json()
    assert body["priority"] == "urgent"
    event = [e for e in body["events"] if e["kind"] == "priority_set"][-1]
    assert event["actor"] == "ann@example.com"
    assert event["data"] == {
        "priority": "urgent",
        "previous": "normal",
        "why": "payroll blocked",
    }
    assert event["text"] == "Ann Agent set the priority to urgent (was normal): payroll blocked"


def test_properties_change_only_what_is_sent(api: Api, ticket: Ticket, agent: Agent) -> None:
    agent.teams.add(Team.objects.create(name="Billing"))  # so the ticket stays in sight
    body = api.post(
        f"/tickets/{ticket.pk}/properties",
        {"team": "billing", "category": "Refunds", "tags": ["refund", "Refund", "vip"]},
    ).json()
    assert (body["team"], body["category"], body["tags"]) == (
        "Billing",
        "Refunds",
        ["refund", "vip"],
    )

    body = api.post(f"/tickets/{ticket.pk}/properties", {"tags": ["vip"]}).json()
    assert (body["team"], body["category"], body["tags"]) == ("Billing", "Refunds", ["vip"])
    body = api.post(f"/tickets/{ticket.pk}/properties", {"team": None}).json()
    assert body["team"] is None
    unknown = api.post(f"/tickets/{ticket.pk}/properties", {"team": "Nobody"})
    assert unknown.status_code == 404


def test_assignment_by_email(api: Api, ticket: Ticket, agent: Agent) -> None:
    assert (
        api.post(f"/tickets/{ticket.pk}/assignee", {"agent": "ANN@example.com"}).json()["assignee"]
        == "ann@example.com"
    )
    assert api.post(f"/tickets/{ticket.pk}/assignee", {"agent": None}).json()["assignee"] is None
    missing = api.post(f"/tickets/{ticket.pk}/assignee", {"agent": "ghost@example.com"})
    assert missing.status_code == 404


def test_sort_by_due_puts_what_is_due_first(api: Api, mailbox: Mailbox) -> None:
    SlaPolicy.objects.create(
        name="Urgent", position=1, match_priorities=["urgent"], first_reply_minutes=30
    )
    calm = new_ticket(mailbox, sender="a@example.org", subject="A question")
    burning = new_ticket(mailbox, sender="b@example.org", subject="Outage", body="All down.")
    assert burning.priority == "urgent"

    due_first = [t["reference"] for t in api.get("/tickets", sort="due").json()["items"]]
    assert due_first == [burning.pk, calm.pk]
    rows = api.get("/tickets", sort="due").json()["items"]
    assert rows[0]["sla"]["remaining_seconds"] < rows[1]["sla"]["remaining_seconds"]
    assert api.get("/tickets", sort="soonest").status_code == 422


def test_sort_by_due_is_the_inboxs_attention_order(api: Api, mailbox: Mailbox) -> None:
    """Priority first, then the earliest due time (none last), then the longest waiting: the
    order of the workspace's inbox."""
    now = clock.now()
    made = [new_ticket(mailbox, sender=f"c{n}@example.org", subject=f"T{n}") for n in range(5)]
    fields = [
        ("normal", now + timedelta(minutes=10)),  # due first, but only normal
        ("high", now + timedelta(hours=3)),
        ("high", None),  # no running target: after the high ones that have one
        ("high", now + timedelta(hours=1)),
        ("low", now + timedelta(minutes=5)),
    ]
    for ticket, (priority, due) in zip(made, fields, strict=True):
        Ticket.objects.filter(pk=ticket.pk).update(priority=priority, sla_due_at=due)
    expected = [made[3].pk, made[1].pk, made[2].pk, made[0].pk, made[4].pk]

    rows = api.get("/tickets", sort="due").json()["items"]
    assert [t["reference"] for t in rows] == expected
    inbox = inbox_tickets(
        agent=agent_create(email="ad@example.com", name="Ad", role="admin"), view=inbox_view("open")
    )
    assert [t.pk for t in inbox.rows] == expected


def test_notifications_are_the_agents_own(api: Api, ticket: Ticket, agent: Agent) -> None:
    from caredesk.accounts.services import agent_create

    other = agent_create(email="bo@example.com", name="Bo", role="agent", password="x" * 12)
    mine = Notification.objects.create(agent=agent, ticket=ticket, kind="sla_warning", text="t")
    theirs = Notification.objects.create(agent=other, ticket=ticket, kind="sla_warning", text="u")

    page = api.get("/notifications", unread=True).json()
    assert [n["id"] for n in page["items"]] == [mine.pk]
    assert page["items"][0]["ticket"] == ticket.pk
    assert page["items"][0]["template"] is None
    assert api.post(f"/notifications/{theirs.pk}/read", {}).status_code == 404
    read = api.post(f"/notifications/{mine.pk}/read", {}).json()
    assert read["read_at"] is not None
    assert api.get("/notifications", unread=True).json()["count"] == 0


def test_remaining_time_counts_down(api: Api, mailbox: Mailbox) -> None:
    with clock.frozen_at(clock.now().replace(year=2026, month=11, day=24, hour=9, minute=0)):
        ticket = new_ticket(mailbox)
        before = api.get(f"/tickets/{ticket.pk}").json()["sla"]["remaining_seconds"]
        clock.advance(timedelta(minutes=30))
        after = api.get(f"/tickets/{ticket.pk}").json()["sla"]["remaining_seconds"]
    assert before == 8 * 3600 and after == before - 30 * 60


def test_a_template_review_notification_names_the_template(api: Api, agent: Agent) -> None:
    from datetime import date

    from caredesk.replies.services import template_create
    from caredesk.replies.stale import templates_stale_flag_all

    today = date(2026, 12, 3)
    due = template_create(actor=agent, name="Refunds", variants={"en": "x"}, review_by=today)
    assert templates_stale_flag_all(today=today) == 1
    [item] = api.get("/notifications").json()["items"]
    assert item["kind"] == "template_review"
    assert item["template"] == due.pk and item["ticket"] is None
