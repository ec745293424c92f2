"""A page per customer: who they are and every ticket of theirs the agent may see, with the
corrections each role may make (agents: name, language, time zone; supervisors and admins
also organisation, tier and VIP), refused with words when not allowed or not valid."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client

from caredesk.accounts.models import Agent, Team
from caredesk.accounts.services import agent_create
from caredesk.core.errors import InvalidRequest
from caredesk.customers.models import Customer, Organisation
from caredesk.customers.services import CustomerChanges, customer_update
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from caredesk.tickets.services import ticket_set_properties, ticket_set_status
from tests.api.support import new_ticket

PASSWORD = "correct horse battery"


def _error(html: str) -> str:
    found = re.search(r'<li class="error">(.*?)</li>|<p class="error" role="alert">(.*?)</p>', html)
    assert found, "no error shown"
    return found.group(1) or found.group(2)


@dataclass(frozen=True)
class World:
    ann: Agent
    sue: Agent
    bill: Agent
    customer: Customer
    tickets: tuple[Ticket, Ticket, Ticket, Ticket]  # two of other teams, triage, Billing's


@pytest.fixture
def world(mailbox: Mailbox) -> World:
    billing = Team.objects.create(name="Billing")
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor", password=PASSWORD)
    bill = agent_create(email="bill@example.com", name="Bill", role="agent", team="Billing")
    open_one = new_ticket(mailbox, sender="Kim Park <kim@example.org>", subject="Parcel")
    solved = new_ticket(mailbox, sender="kim@example.org", subject="Invoice copy")
    ticket_set_status(ticket=solved, status="solved", actor=ann)
    for ticket in (open_one, solved):
        ticket_set_properties(
            ticket=ticket, actor=sue, team=Team.objects.create(name=f"T{ticket.pk}")
        )
    # Ann sees neither of those (teams she is not in) but one no team holds:
    triage = new_ticket(mailbox, sender="kim@example.org", subject="Where is it?")
    hidden = new_ticket(mailbox, sender="kim@example.org", subject="Billing secret")
    ticket_set_properties(ticket=hidden, actor=sue, team=billing)
    return World(ann, sue, bill, open_one.customer, (open_one, solved, triage, hidden))


def test_the_page_shows_the_customer_and_the_tickets_the_agent_may_see(
    client: Client, world: World
) -> None:
    customer = world.customer
    open_one, solved, triage, hidden = world.tickets
    client.force_login(world.sue)
    page = client.get(f"/customers/{customer.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Kim Park</h1>" in html and "kim@example.org" in html
    shown = re.findall(r'<tr data-ticket="(\d+)">', html)
    assert sorted(map(int, shown)) == sorted(t.pk for t in (open_one, solved, triage, hidden))
    assert re.search(
        rf'href="/tickets/{solved.pk}">#{solved.pk} Invoice copy</a></td>\s*'
        r'<td class="status">Solved',
        html,
    )

    client.force_login(world.ann)
    html = client.get(f"/customers/{customer.pk}").content.decode()
    assert re.findall(r'<tr data-ticket="(\d+)">', html) == [str(triage.pk)]
    # Bill sees the Billing ticket only; a customer without a ticket he sees is not there.
    client.force_login(world.bill)
    assert client.get(f"/customers/{customer.pk}").status_code == 200
    other = Customer.objects.create(name="Nobody's")
    refused = client.get(f"/customers/{other.pk}")
    assert refused.status_code == 404 and "there is no customer" in refused.content.decode()
    assert client.get("/customers/99999999999999999999").status_code == 404


def test_the_ticket_panel_links_to_the_customer(client: Client, world: World) -> None:
    triage = world.tickets[2]
    client.force_login(world.ann)
    html = client.get(f"/tickets/{triage.pk}").content.decode()
    assert f'<a class="customer-link" href="/customers/{triage.customer_id}">Kim Park</a>' in html


def test_an_agent_corrects_name_language_and_time_zone(client: Client, world: World) -> None:
    customer = world.customer
    client.force_login(world.ann)
    form = client.get(f"/customers/{customer.pk}").content.decode()
    assert 'name="name"' in form and 'name="timezone"' in form
    assert 'name="vip"' not in form and 'name="organisation"' not in form
    saved = client.post(
        f"/customers/{customer.pk}/edit",
        {"name": "  Kim   Park-Lee ", "language": "de", "timezone": "Europe/Berlin"},
        follow=True,
    )
    assert "Saved the customer&#x27;s name, language, time zone." in saved.content.decode()
    customer.refresh_from_db()
    assert (customer.name, customer.language, customer.timezone) == (
        "Kim Park-Lee",
        "de",
        "Europe/Berlin",
    )
    # What an agent's role may not change is refused with the reason, and nothing changes.
    refused = client.post(f"/customers/{customer.pk}/edit", {"name": "X", "vip": "1"})
    assert refused.status_code == 403
    assert "only supervisors and admins change a customer&#x27;s vip" in refused.content.decode()
    customer.refresh_from_db()
    assert customer.name == "Kim Park-Lee" and not customer.vip


def test_a_supervisor_sets_organisation_tier_and_vip(client: Client, world: World) -> None:
    customer = world.customer
    acme = Organisation.objects.create(name="Acme", tier="enterprise")
    client.force_login(world.sue)
    form = client.get(f"/customers/{customer.pk}").content.decode()
    assert f'<option value="{acme.pk}">Acme</option>' in form
    client.post(
        f"/customers/{customer.pk}/edit",
        {"organisation": str(acme.pk), "tier": "", "vip": ["0", "1"]},
    )
    customer.refresh_from_db()
    assert customer.organisation == acme and customer.vip
    assert customer.effective_tier == "enterprise"
    client.post(f"/customers/{customer.pk}/edit", {"organisation": "", "vip": "0"})
    customer.refresh_from_db()
    assert customer.organisation is None and not customer.vip


@pytest.mark.parametrize(
    ("form", "said"),
    [
        ({"timezone": "Mars/Olympus"}, "time zone &#x27;Mars/Olympus&#x27; is not one such as"),
        ({"language": "German!"}, "is not a language code such as de or pt-BR"),
        ({"name": "x" * 201}, "a name is at most 200 characters"),
        ({"organisation": "acme"}, "organisation &#x27;acme&#x27; is not one of the organisations"),
        ({"organisation": "424242"}, "there is no organisation 424242"),
    ],
)
def test_values_that_are_wrong_are_a_400_saying_why(
    client: Client, world: World, form: dict[str, str], said: str
) -> None:
    customer = world.customer
    language = customer.language  # as detected from their email ("en")
    client.force_login(world.sue)
    answer = client.post(f"/customers/{customer.pk}/edit", form)
    assert answer.status_code == 400
    assert said in _error(answer.content.decode())
    customer.refresh_from_db()
    assert customer.timezone == "" and customer.language == language == "en"
    assert customer.name == "Kim Park"


def test_the_service_checks_every_value_before_saving_any(db: None) -> None:
    kim = Customer.objects.create(name="Kim")
    with pytest.raises(InvalidRequest) as refused:
        customer_update(
            customer=kim, changes=CustomerChanges(name="Kim Park", timezone="Nowhere/Town")
        )
    assert "time zone 'Nowhere/Town'" in str(refused.value)
    kim.refresh_from_db()
    assert kim.name == "Kim"
    assert customer_update(customer=kim, changes=CustomerChanges(name="Kim", language="")) == []
    assert customer_update(customer=kim, changes=CustomerChanges(language="pt-BR")) == ["language"]
