"""The inbox's columns a support team expects (waiting since, last update, who wrote last, a
preview of the customer's latest text), sortable headers that keep keyset pages right, the
view `/` lands on, and a page's queries not growing with its rows."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from caredesk.accounts.services import agent_create
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.customers.models import Customer
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import PRIORITY_RANK, Ticket
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.services import ticket_assign, ticket_set_status
from caredesk.workspace.inbox import preview_line, sort_parse
from tests.api.support import new_ticket, raw_email
from tests.conftest import deliver

PASSWORD = "correct horse battery"


def _row(html: str, ticket: Ticket) -> str:
    found = re.search(rf'<tr[^>]*data-ticket="{ticket.pk}"[^>]*>(.*?)</tr>', html, re.S)
    assert found, f"no row for #{ticket.pk}"
    return found.group(1)


def test_a_customer_without_a_name_shows_as_their_address(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    nameless = new_ticket(mailbox, sender="kim.lee@example.org", subject="Parcel")
    named = new_ticket(mailbox, sender="Jo Park <jo@example.org>", subject="Invoice")
    client.force_login(ann)
    html = client.get("/inbox/open").content.decode()
    assert "(no name)" not in html
    assert '<td class="customer">kim.lee@example.org</td>' in _row(html, nameless)
    assert '<td class="customer">Jo Park</td>' in _row(html, named)
    # The search's rows say the same.
    found = client.get("/search", {"q": "Parcel"}).content.decode()
    assert "kim.lee@example.org</a></td>" in _row(found, nameless)


def test_rows_say_who_wrote_last_what_and_when_in_the_agents_zone(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann Agent", role="agent", password=PASSWORD)
    ann.time_zone = "Asia/Tokyo"
    ann.save(update_fields=["time_zone"])
    body = "\n\nHello team,\n\nmy   order 10501 never came. " + "Really long text. " * 40
    waiting = new_ticket(mailbox, sender="Jo Park <jo@example.org>", subject="Late", body=body)
    answered = new_ticket(mailbox, sender="kim@example.org", subject="Refund")
    ticket_reply(ticket=answered, author=ann, text="We refunded you.")
    client.force_login(ann)

    html = client.get("/inbox/open").content.decode()
    row = _row(html, waiting)
    assert '<span class="preview">Hello team, my order 10501 never came. Really long' in row
    assert "…</span>" in row  # cut at a word, on one line
    assert '<td class="last-from secondary">Jo Park</td>' in row
    waiting.refresh_from_db()
    assert waiting.last_customer_message_at is not None
    tokyo = waiting.last_customer_message_at + timedelta(hours=9)  # Tokyo has no DST
    assert tokyo.strftime("%H:%M") in row.split('<td class="when">')[1].split("</td>")[0]
    answered_row = _row(html, answered)
    assert '<td class="last-from secondary">Ann Agent <span class="who-kind">agent</span></td>' in (
        answered_row
    )
    # Answered: nobody is waiting on us since the customer wrote.
    assert answered_row.split('<td class="when">')[1].startswith("—")


def test_preview_line_is_one_line_cut_at_a_word() -> None:
    assert preview_line("  a\n\n b\tc ") == "a b c"
    assert preview_line("word " * 50, limit=22) == "word word word word…"
    assert preview_line("x" * 300, limit=10) == "x" * 10 + "…"
    assert preview_line("") == ""


def test_a_sort_is_read_from_the_address_and_says_what_is_wrong() -> None:
    assert sort_parse(None) is None and sort_parse("") is None
    choice = sort_parse("-updated")
    assert choice is not None and (choice.slug, choice.direction) == ("updated", "desc")
    with pytest.raises(InvalidRequest, match="sort colour is not one of ticket, priority"):
        sort_parse("colour")


def _many(mailbox: Mailbox, count: int) -> list[Ticket]:
    """Tickets with equal and missing values in every sortable column, the cases keyset paging
    must get right."""
    chance = random.Random(7)
    customer = Customer.objects.create(name="Many")
    start = clock.now()
    return Ticket.objects.bulk_create(
        Ticket(
            mailbox=mailbox,
            customer=customer,
            subject=f"T{n}",
            status="open",
            priority=chance.choice(list(PRIORITY_RANK)),
            sla_due_at=chance.choice([None, start + timedelta(hours=chance.randint(1, 3))]),
            last_customer_message_at=chance.choice(
                [None, start - timedelta(minutes=chance.randint(0, 4))]
            ),
            created_at=start,
            updated_at=start - timedelta(minutes=chance.randint(0, 4)),
        )
        for n in range(count)
    )


def _expected(tickets: list[Ticket], field: str, descending: bool) -> list[int]:
    """The order by `field` then id, both reversed when descending, empty values last."""
    filled = [t for t in tickets if getattr(t, field) is not None]
    empty = [t for t in tickets if getattr(t, field) is None]
    key = (lambda t: (getattr(t, field), t.pk)) if field != "pk" else (lambda t: t.pk)
    ordered = sorted(filled, key=key, reverse=descending)
    return [t.pk for t in ordered] + [
        t.pk for t in sorted(empty, key=lambda t: t.pk, reverse=descending)
    ]


@pytest.mark.parametrize(
    ("sort", "field", "descending"),
    [
        ("updated", "updated_at", False),
        ("-updated", "updated_at", True),
        ("waiting", "last_customer_message_at", False),
        ("-waiting", "last_customer_message_at", True),
        ("due", "sla_due_at", False),
        ("-due", "sla_due_at", True),
        ("-ticket", "pk", True),
        ("priority", "priority_rank", False),
    ],
)
def test_sorted_pages_show_every_ticket_once_in_order_both_ways(
    client: Client, mailbox: Mailbox, sort: str, field: str, descending: bool
) -> None:
    admin = agent_create(email="ad@example.com", name="Ad", role="admin", password=PASSWORD)
    tickets = _many(mailbox, 120)
    for t in tickets:
        t.refresh_from_db()
    client.force_login(admin)
    pages = [client.get("/inbox/open", {"sort": sort}).context["page"]]
    while pages[-1].after is not None:
        answer = client.get("/inbox/open", {"sort": sort, "after": pages[-1].after})
        pages.append(answer.context["page"])
    assert [len(p.rows) for p in pages] == [50, 50, 20]
    assert [t.pk for p in pages for t in p.rows] == _expected(tickets, field, descending)
    back = client.get("/inbox/open", {"sort": sort, "before": pages[-1].before}).context["page"]
    assert [t.pk for t in back.rows] == [t.pk for t in pages[1].rows]
    # The page's own links keep the sort.
    html = client.get("/inbox/open", {"sort": sort}).content.decode()
    assert f'rel="next" href="?sort={sort}&amp;after={pages[0].after}"' in html


def test_headers_sort_and_say_how(client: Client, mailbox: Mailbox) -> None:
    admin = agent_create(email="ad@example.com", name="Ad", role="admin", password=PASSWORD)
    new_ticket(mailbox)
    client.force_login(admin)
    plain = client.get("/inbox/open", {"priority": "normal"}).content.decode()
    # A first click asks for the order agents usually want: the newest update first.
    assert 'href="/inbox/open?priority=normal&amp;sort=-updated"' in plain
    assert 'href="/inbox/open?priority=normal&amp;sort=waiting"' in plain
    newest = client.get("/inbox/open", {"sort": "-updated"}).content.decode()
    header = re.search(r'<th scope="col" aria-sort="descending"[^>]*><a href="([^"]+)"', newest)
    assert header and header.group(1) == "/inbox/open?sort=updated"  # the click reverses it
    refused = client.get("/inbox/open", {"sort": "colour"})
    assert refused.status_code == 400
    assert "sort colour is not one of" in refused.content.decode()


def test_the_inbox_page_costs_the_same_queries_for_3_rows_as_for_40(
    client: Client, mailbox: Mailbox
) -> None:
    admin = agent_create(email="ad@example.com", name="Ad", role="admin", password=PASSWORD)
    client.force_login(admin)
    for n in range(3):
        new_ticket(mailbox, sender=f"c{n}@example.org", subject=f"S{n}")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/inbox/open", {"sort": "-updated"}).status_code == 200
        return len(captured)

    few = queries()
    for n in range(3, 40):
        ticket = new_ticket(mailbox, sender=f"c{n}@example.org", subject=f"S{n}")
        if n % 3 == 0:
            ticket_reply(ticket=ticket, author=admin, text="On it.")
    assert queries() == few


def test_the_landing_view_is_the_one_with_work(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    client.force_login(ann)
    assert client.get("/").context["view"].slug == "mine"  # nothing anywhere: Mine

    waiting = new_ticket(mailbox, sender="a@example.org", subject="Nobody's yet")
    landed = client.get("/")
    assert landed.context["view"].slug == "unassigned"
    assert [t.pk for t, _ in landed.context["rows"]] == [waiting.pk]
    html = landed.content.decode()
    # It refreshes, and pages on, the view it chose, not `/`, which could choose another.
    assert 'hx-get="/inbox/unassigned"' in html
    assert re.search(r'<a href="/inbox/unassigned" aria-current="page">', html)

    mine = new_ticket(mailbox, sender="b@example.org", subject="Mine")
    ticket_assign(ticket=mine, agent=ann, actor=ann)
    assert client.get("/").context["view"].slug == "mine"
    # Mine waiting on the customer only is not work: the unassigned ticket is.
    ticket_set_status(ticket=mine, status="pending", actor=ann)
    assert client.get("/").context["view"].slug == "unassigned"
    # A view asked for by name is that view.
    assert client.get("/inbox/mine").context["view"].slug == "mine"


def test_a_second_customer_email_is_the_preview(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    first = new_ticket(mailbox, sender="jo@example.org", subject="Login", body="First words.\n")
    opening = first.messages.get(kind="customer")  # (and the acknowledgement)
    later = raw_email(
        sender="jo@example.org", body="Still locked out.\n", in_reply_to=opening.message_id
    )
    assert deliver(later, mailbox).ticket_id == first.pk
    client.force_login(ann)
    row = _row(client.get("/inbox/open").content.decode(), first)
    assert '<span class="preview">Still locked out.</span>' in row


def test_filters_and_bulk_changes_keep_the_sort_and_the_view(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    new_ticket(mailbox)
    client.force_login(ann)
    sorted_page = client.get("/inbox/open", {"sort": "-updated"}).content.decode()
    assert '<input type="hidden" name="sort" value="-updated">' in sorted_page
    # From `/`, a bulk change comes back to the view `/` chose, not to `/` choosing again.
    landed = client.get("/").content.decode()
    assert '<input type="hidden" name="back" value="/inbox/unassigned">' in landed


def test_rows_say_how_upset_the_customers_latest_message_sounds(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    angry = new_ticket(
        mailbox,
        sender="jo@example.org",
        subject="Still no refund",
        body="This is the THIRD time I am writing!!! Absolutely unacceptable. "
        "Refund me today or I will cancel my account and dispute the charge.\n",
    )
    calm = new_ticket(
        mailbox,
        sender="kim@example.org",
        subject="Invoice address",
        body="Hello, could you change the address on my last invoice? Thank you.\n",
    )
    client.force_login(ann)
    html = client.get("/inbox/open").content.decode()
    badge = re.search(
        r'<span class="upset level-(\d)" title="([^"]*)">(\w+)</span>', _row(html, angry)
    )
    assert badge, "the angry customer's row has no upset badge"
    assert int(badge.group(1)) >= 2 and badge.group(3) in ("Upset", "Angry")
    assert badge.group(2)  # the reasons, on hover
    assert 'class="upset' not in _row(html, calm)
    # The latest customer message counts: a calm follow-up shows its own, milder level (still
    # unanswered, so not calm).
    opening = angry.messages.get(kind="customer")
    later = raw_email(
        sender="jo@example.org",
        body="Thanks, I see the refund now.\n",
        in_reply_to=opening.message_id,
    )
    assert deliver(later, mailbox).ticket_id == angry.pk
    html = client.get("/inbox/open").content.decode()
    assert '<span class="upset level-1" title="2nd message without a reply">Annoyed</span>' in _row(
        html, angry
    )
