"""The search box: tickets by reference, address, subject or text, and the customers whose
name or address matches (an interim until the knowledge base brings ranked full-text search).
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from caredesk.access import principal_of, tickets_visible
from caredesk.accounts.models import Agent
from caredesk.customers.models import Customer
from caredesk.tickets.models import Message, Ticket

LIMIT = 50
CUSTOMERS = 10


def ticket_search(*, agent: Agent, query: str, limit: int = LIMIT) -> QuerySet[Ticket]:
    """Tickets by reference ("#123"), customer address (any of the customer's addresses),
    or words in the subject, the customer's name or what was written; newest activity first."""
    query = query.strip()
    found = Ticket.objects.filter(tickets_visible(principal_of(agent)))
    reference = query.lstrip("#")
    if reference.isdigit() and len(reference) < 19:
        found = found.filter(pk=int(reference))
    elif "@" in query:
        found = found.filter(customer__addresses__address__icontains=query.lower()).distinct()
    else:
        written = Message.objects.filter(ticket=OuterRef("pk"), new_text__icontains=query)
        found = found.filter(
            Q(subject__icontains=query) | Q(customer__name__icontains=query) | Q(Exists(written))
        )
    return found.select_related("customer", "assignee", "team", "sla_policy").order_by(
        "-updated_at", "-id"
    )[:limit]


def customer_search(*, agent: Agent, query: str, limit: int = CUSTOMERS) -> list[Customer]:
    """Customers whose name or an address contains `query`, who have a ticket `agent` may
    see; each with `ticket_count` (the tickets of theirs `agent` may see) and their addresses.
    """
    query = query.strip()
    if len(query) < 2 or query.lstrip("#").isdigit():
        return []
    principal = principal_of(agent)
    seen = Ticket.objects.filter(tickets_visible(principal), customer=OuterRef("pk"))
    address = Q(addresses__address__icontains=query.lower())
    ids = (
        Customer.objects.filter(Q(name__icontains=query) | address)
        .filter(Exists(seen))
        .values_list("pk", flat=True)
        .distinct()[:limit]
    )
    return list(
        Customer.objects.filter(pk__in=list(ids))
        .annotate(ticket_count=Count("tickets", filter=tickets_visible(principal, via="tickets__")))
        .prefetch_related("addresses")
        .order_by("name", "pk")
    )
