"""The search box finds what a new agent expects: a number written in a ticket (an order
number), not only the ticket with that reference; a customer's name or address brings that
customer's tickets; and never a ticket the agent may not see."""

from __future__ import annotations

from django.test import Client

from caredesk.accounts.models import Team
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.services import ticket_set_properties
from tests.api.support import new_ticket

PASSWORD = "correct horse battery"


def _found(client: Client, q: str) -> list[int]:
    return [t.pk for t, _ in client.get("/search", {"q": q}).context["rows"]]


def test_a_number_finds_its_ticket_and_the_tickets_that_mention_it(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    billing = Team.objects.create(name="Billing")
    body = new_ticket(mailbox, sender="a@example.org", subject="Late", body="Order 10501 is late\n")
    subject = new_ticket(mailbox, sender="b@example.org", subject="Refund for order 10501")
    hidden = new_ticket(mailbox, sender="c@example.org", subject="Order 10501 again")
    ticket_set_properties(ticket=hidden, actor=ann, team=billing)  # not Ann's team
    unrelated = new_ticket(mailbox, sender="d@example.org", subject="Hello", body="Nothing.\n")
    client.force_login(ann)

    assert sorted(_found(client, "10501")) == sorted([body.pk, subject.pk])
    # A number is also a reference: that ticket comes first, then those mentioning it.
    assert _found(client, str(unrelated.pk))[0] == unrelated.pk
    # "#N" names one ticket only.
    assert _found(client, f"#{unrelated.pk}") == [unrelated.pk]
    assert _found(client, "99999999999999999999") == []  # too long to be a reference


def test_a_customers_name_or_address_finds_their_tickets(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    billing = Team.objects.create(name="Billing")
    first = new_ticket(mailbox, sender="Kim Park <kim@example.org>", subject="Parcel")
    second = new_ticket(mailbox, sender="kim@example.org", subject="Another")
    nameless = new_ticket(mailbox, sender="orders.lee@example.net", subject="Help")
    hidden = new_ticket(mailbox, sender="kim@example.org", subject="Billing only")
    ticket_set_properties(ticket=hidden, actor=ann, team=billing)
    client.force_login(ann)

    by_name = client.get("/search", {"q": "kim park"})
    assert [c.name for c in by_name.context["customers"]] == ["Kim Park"]
    assert sorted(t.pk for t, _ in by_name.context["rows"]) == sorted([first.pk, second.pk])
    # Part of an address, with no "@": the customer is listed, and so are their tickets.
    by_address = client.get("/search", {"q": "orders.lee"})
    assert len(by_address.context["customers"]) == 1
    assert [t.pk for t, _ in by_address.context["rows"]] == [nameless.pk]
    # The customer links to their page.
    page = by_name.content.decode()
    assert f'href="/customers/{first.customer_id}"' in page


def test_one_letter_does_not_list_every_customers_tickets(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    new_ticket(mailbox, sender="quinn@example.org", subject="Parcel", body="Lost.\n")
    client.force_login(ann)
    assert _found(client, "q") == []  # only the address holds a "q"
    assert len(_found(client, "qu")) == 1
