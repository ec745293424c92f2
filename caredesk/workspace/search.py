"""The search box: tickets by reference, address, subject or text, and the customers whose
name or address matches (an interim until the knowledge base brings ranked full-text search).

Tickets and customers are matched by one rule (`_customers_matching`), so a customer the box
lists always brings their tickets with them.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from caredesk.access import principal_of, tickets_visible
from caredesk.accounts.models import Agent
from caredesk.customers.models import Customer, CustomerAddress
from caredesk.tickets.models import Message, Ticket

LIMIT = 50
CUSTOMERS = 10
# The largest value a primary key (BigAutoField) can hold: longer numbers are never references.
MAX_REFERENCE_DIGITS = 18


def _reference(query: str) -> int | None:
    """The ticket number `query` names ("#123" or "123"), if it is one."""
    digits = query.lstrip("#")
    if digits.isdigit() and len(digits) <= MAX_REFERENCE_DIGITS and int(digits) > 0:
        return int(digits)
    return None


def _customers_matching(query: str) -> Q:
    """Customers whose name, or one of whose addresses, contains `query`."""
    addresses = CustomerAddress.objects.filter(address__icontains=query.lower())
    return Q(name__icontains=query) | Q(pk__in=addresses.values("customer_id"))


def ticket_search(*, agent: Agent, query: str, limit: int = LIMIT) -> QuerySet[Ticket]:
    """The tickets `agent` may see that `query` finds, newest activity first:

    - "#10501": the ticket with that reference;
    - a number ("10501"): the ticket with that reference (listed first), and the tickets
      whose subject or messages contain the number (an order number in an email);
    - an address, or part of one with its "@" ("kim@", "@example.org"): every ticket of the
      customers with such an address;
    - anything else: tickets whose subject or messages contain it, and every ticket of the
      customers whose name or an address contains it (the customers the box lists).

    Each part is an `IN (subquery)`, which the database answers with one scan of its table
    (hashed), where a correlated EXISTS under OR would be run again for every ticket.
    """
    query = query.strip()
    found = Ticket.objects.filter(tickets_visible(principal_of(agent)))
    reference = _reference(query)
    if reference is not None and query.startswith("#"):  # "#123" names a ticket, nothing else
        matches = Q(pk=reference)
    elif "@" in query:
        owners = CustomerAddress.objects.filter(address__icontains=query.lower())
        matches = Q(customer_id__in=owners.values("customer_id"))
    else:
        written = Message.objects.filter(new_text__icontains=query).values("ticket_id")
        matches = Q(subject__icontains=query) | Q(pk__in=written)
        if reference is not None:
            matches |= Q(pk=reference)
        elif len(query) >= 2:  # as the customers listed: one letter would mean everybody
            customers = Customer.objects.filter(_customers_matching(query)).values("pk")
            matches |= Q(customer_id__in=customers)
    found = found.filter(matches)
    order: list[str | OrderBy] = ["-updated_at", "-id"]
    if reference is not None:  # the ticket the number names comes first
        named = Case(
            When(pk=reference, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        order.insert(0, named.asc())
    return (
        found.select_related("customer", "assignee", "team", "sla_policy")
        .prefetch_related("customer__addresses")
        .order_by(*order)[:limit]
    )


def customer_search(*, agent: Agent, query: str, limit: int = CUSTOMERS) -> list[Customer]:
    """Customers whose name or an address contains `query`, who have a ticket `agent` may
    see; each with `ticket_count` (the tickets of theirs `agent` may see) and their addresses.
    """
    query = query.strip()
    if len(query) < 2 or _reference(query) is not None:
        return []
    principal = principal_of(agent)
    seen = Ticket.objects.filter(tickets_visible(principal), customer=OuterRef("pk"))
    ids = (
        Customer.objects.filter(_customers_matching(query))
        .filter(Exists(seen))
        .values_list("pk", flat=True)[:limit]
    )
    return list(
        Customer.objects.filter(pk__in=list(ids))
        .annotate(ticket_count=Count("tickets", filter=tickets_visible(principal, via="tickets__")))
        .prefetch_related("addresses")
        .order_by("name", "pk")
    )
