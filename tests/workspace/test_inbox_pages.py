"""Inbox pages by keyset and inbox filters: every ticket once, in order, both ways; filters
that narrow exactly and refuse what they cannot read."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from caredesk.accounts.models import Team
from caredesk.accounts.services import agent_create
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.customers.models import Customer
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import PRIORITY_RANK, Ticket
from caredesk.tickets.selectors import ATTENTION, RECENT
from caredesk.tickets.services import ticket_assign, ticket_set_properties
from caredesk.workspace.filters import InboxFilters, filters_parse
from caredesk.workspace.pages import keyset_page
from tests.api.support import new_ticket

PASSWORD = "correct horse battery"


def many_tickets(mailbox: Mailbox, count: int, seed: int) -> list[Ticket]:
    """Tickets with mixed priorities, due times (some none, some equal) and equal created
    times, the cases keyset paging must get right."""
    chance = random.Random(seed)
    customer = Customer.objects.create(name="Many")
    start = clock.now()
    tickets = []
    for n in range(count):
        due = chance.choice([None, None, start + timedelta(hours=chance.randint(1, 4))])
        tickets.append(
            Ticket(
                mailbox=mailbox,
                customer=customer,
                subject=f"T{n}",
                status="open",
                priority=chance.choice(list(PRIORITY_RANK)),
                sla_due_at=due,
                created_at=start - timedelta(minutes=chance.randint(0, 5)),
                updated_at=start - timedelta(minutes=chance.randint(0, 3)),
            )
        )
    return Ticket.objects.bulk_create(tickets)


def attention_order(tickets: list[Ticket]) -> list[int]:
    far = clock.now() + timedelta(days=3650)
    return [
        t.pk
        for t in sorted(
            tickets,
            key=lambda t: (-PRIORITY_RANK[t.priority], t.sla_due_at or far, t.created_at, t.pk),
        )
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_keyset_pages_show_every_ticket_once_in_order_both_ways(
    mailbox: Mailbox, seed: int
) -> None:
    tickets = many_tickets(mailbox, 47, seed)
    rows = Ticket.objects.filter(subject__startswith="T")
    pages = [keyset_page(rows, ATTENTION, size=10)]
    while pages[-1].after is not None:
        pages.append(keyset_page(rows, ATTENTION, after=pages[-1].after, size=10))
    assert [len(p.rows) for p in pages] == [10, 10, 10, 10, 7]
    assert [t.pk for p in pages for t in p.rows] == attention_order(tickets)
    assert pages[0].before is None and all(p.before for p in pages[1:])

    # Back from the last page, page by page, to the first.
    back = pages[-1]
    for expected in reversed(pages[:-1]):
        assert back.before is not None
        back = keyset_page(rows, ATTENTION, before=back.before, size=10)
        assert [t.pk for t in back.rows] == [t.pk for t in expected.rows]
    assert back.before is None


def test_keyset_pages_of_recently_updated_and_a_vanished_cursor(mailbox: Mailbox) -> None:
    tickets = many_tickets(mailbox, 12, 4)
    rows = Ticket.objects.filter(subject__startswith="T")
    first = keyset_page(rows, RECENT, size=5)
    second = keyset_page(rows, RECENT, after=first.after, size=5)
    third = keyset_page(rows, RECENT, after=second.after, size=5)
    newest = sorted(tickets, key=lambda t: (t.updated_at, t.pk), reverse=True)
    assert [t.pk for p in (first, second, third) for t in p.rows] == [t.pk for t in newest]
    assert third.after is None
    # A ticket deleted (or merged away) under the cursor: start again from the top.
    assert first.after is not None
    Ticket.objects.filter(pk=first.after).delete()
    assert keyset_page(rows, RECENT, after=first.after, size=5).rows[0].pk == newest[0].pk


def test_inbox_links_page_forward_and_back(client: Client, mailbox: Mailbox) -> None:
    admin = agent_create(email="ad@example.com", name="Ad", role="admin", password=PASSWORD)
    many_tickets(mailbox, 60, 5)
    client.force_login(admin)
    first = client.get("/inbox/open?priority=urgent&priority=high&priority=normal&priority=low")
    page = first.context["page"]
    assert len(page.rows) == 50 and page.before is None
    html = first.content.decode()
    kept = "&amp;".join(f"priority={p}" for p in ("urgent", "high", "normal", "low"))
    assert f'rel="next" href="?{kept}&amp;after={page.after}"' in html
    second = client.get(f"/inbox/open?priority=urgent&after={page.after}")
    assert second.status_code == 200
    assert client.get("/inbox/open?after=nonsense").context["page"].rows[0] == page.rows[0]


def test_filters_read_the_query_string_and_say_what_is_wrong() -> None:
    filters = filters_parse(
        {
            "status": ["open", "PENDING", "open"],
            "priority": ["urgent"],
            "team": ["3"],
            "assignee": ["Me"],
            "since": ["2026-11-01"],
            "text": ["  refund "],
            "after": ["12"],
        }
    )
    assert filters == InboxFilters(
        status=("open", "pending"),
        priority=("urgent",),
        team="3",
        assignee="me",
        since=date(2026, 11, 1),
        text="refund",
    )
    assert filters.query_string() == (
        "status=open&status=pending&priority=urgent&team=3&assignee=me&since=2026-11-01&text=refund"
    )
    assert filters_parse({}) == InboxFilters() and not InboxFilters()
    with pytest.raises(InvalidRequest) as refused:
        filters_parse({"status": ["lost"], "team": ["billing"], "since": ["yesterday"]})
    said = str(refused.value)
    assert "status lost is not one of new, open" in said
    assert "team must be a number or none" in said
    assert "since must be a date such as 2026-11-24, not 'yesterday'" in said


def test_filters_narrow_the_inbox(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="admin", password=PASSWORD)
    billing = Team.objects.create(name="Billing")
    refund = new_ticket(mailbox, sender="Jane Roe <jane@example.net>", subject="Refund?")
    ticket_set_properties(ticket=refund, actor=ann, team=billing, tags=["refund", "vip"])
    outage = new_ticket(mailbox, sender="bob@example.org", subject="Down", body="Outage here")
    ticket_assign(ticket=outage, agent=ann, actor=ann)
    quiet = new_ticket(mailbox, sender="carl@example.org", subject="Hello", body="A question")
    client.force_login(ann)

    def shown(query: str) -> list[int]:
        response = client.get("/inbox/open?" + query)
        assert response.status_code == 200, response.content
        return sorted(t.pk for t, _ in response.context["rows"])

    assert shown("") == sorted([refund.pk, outage.pk, quiet.pk])
    assert shown("tag=REFUND") == [refund.pk]
    assert shown("team=none") == sorted([outage.pk, quiet.pk])
    assert shown(f"team={billing.pk}") == [refund.pk]
    assert shown("assignee=me") == [outage.pk]
    assert shown("assignee=none") == sorted([refund.pk, quiet.pk])
    assert shown("priority=urgent") == [outage.pk]
    assert shown("customer=jane") == [refund.pk]  # by address
    assert shown("customer=roe") == [refund.pk]  # by name
    assert shown("text=question") == [quiet.pk]  # in what the customer wrote
    assert shown("text=down") == [outage.pk]  # in the subject
    assert shown(f"mailbox={mailbox.pk}&tag=vip") == [refund.pk]
    today = clock.now().date()
    assert len(shown(f"since={today - timedelta(days=1)}&until={today + timedelta(days=1)}")) == 3
    assert shown(f"until={today - timedelta(days=2)}") == []
    bad = client.get("/inbox/open?priority=burning")
    assert bad.status_code == 400 and "priority burning is not one of" in bad.content.decode()


def test_an_inbox_page_costs_the_same_queries_for_few_rows_or_many(
    client: Client, mailbox: Mailbox
) -> None:
    admin = agent_create(email="ad@example.com", name="Ad", role="admin", password=PASSWORD)
    client.force_login(admin)
    new_ticket(mailbox, sender="a@example.org")  # with an SLA policy and timers

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/inbox/open").status_code == 200
        return len(captured)

    few = queries()
    for n in range(12):
        new_ticket(mailbox, sender=f"c{n}@example.org")
    assert queries() == few
