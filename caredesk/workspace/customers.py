"""A customer's page: who they are, their tickets, and the corrections an agent may make.

Reads and checks go through the access policy (an agent sees a customer with a ticket they
see; what they may change depends on their role); changes go through
`caredesk.customers.services.customer_update`.
"""

from __future__ import annotations

from caredesk.access import (
    customer_change_check,
    customer_fields_editable,
    customers_visible,
    principal_of,
    tickets_visible,
)
from caredesk.accounts.models import Agent
from caredesk.core.errors import NotFound
from caredesk.customers.models import Customer, Organisation
from caredesk.customers.services import CustomerChanges, customer_update
from caredesk.tickets.models import Ticket
from caredesk.tickets.selectors import MAX_ID

TICKETS_SHOWN = 200


def customer_get(*, agent: Agent, pk: int) -> Customer:
    """The customer, with organisation and addresses, if `agent` may see them: NotFound,
    worded as for a customer that does not exist, when not."""
    visible = Customer.objects.filter(customers_visible(principal_of(agent)), pk=pk)
    found = visible.values("pk").distinct() if 0 < pk <= MAX_ID else None
    customer = (
        Customer.objects.filter(pk__in=found)
        .select_related("organisation")
        .prefetch_related("addresses")
        .first()
        if found is not None
        else None
    )
    if customer is None:
        raise NotFound(f"there is no customer {pk}")
    return customer


def customer_tickets(*, agent: Agent, customer: Customer) -> tuple[list[Ticket], int]:
    """The customer's tickets `agent` may see, the most recently updated first (at most
    `TICKETS_SHOWN`), and how many there are in all."""
    found = Ticket.objects.filter(tickets_visible(principal_of(agent)), customer=customer)
    shown = list(
        found.select_related("assignee", "team").order_by("-updated_at", "-id")[:TICKETS_SHOWN]
    )
    total = len(shown) if len(shown) < TICKETS_SHOWN else found.count()
    return shown, total


def customer_editable(*, agent: Agent) -> frozenset[str]:
    """The fields `agent` may change on the customers they see."""
    return customer_fields_editable(principal_of(agent))


def customer_edit(*, agent: Agent, customer: Customer, changes: CustomerChanges) -> list[str]:
    """Apply `changes` to a customer `agent` sees (from `customer_get`): Forbidden when they
    touch a field the agent's role may not change, InvalidRequest for a value that is wrong.
    Returns the names of the fields that changed."""
    customer_change_check(principal_of(agent), changes.fields())
    return customer_update(customer=customer, changes=changes)


def organisations() -> list[Organisation]:
    return list(Organisation.objects.order_by("name"))
