"""What the inbox shows: the views agents work from, their counts, and the order of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from caredesk.accounts.models import Agent
from caredesk.core.errors import NotFound
from caredesk.tickets.models import Status, Ticket
from caredesk.tickets.priority import RANK
from caredesk.workspace.access import visible_to

UNSOLVED = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
WAITING_ON_US = (Status.NEW, Status.OPEN, Status.ON_HOLD)


@dataclass(frozen=True)
class InboxView:
    slug: str
    title: str

    def filter(self, agent: Agent) -> Q:
        if self.slug == "mine":
            return Q(assignee=agent, status__in=UNSOLVED)
        if self.slug == "unassigned":
            return Q(assignee__isnull=True, status__in=WAITING_ON_US)
        if self.slug == "teams":
            return Q(team__in=agent.teams.all(), status__in=WAITING_ON_US)
        if self.slug == "open":
            return Q(status__in=WAITING_ON_US)
        if self.slug == "pending":
            return Q(status=Status.PENDING)
        return Q(status=Status.SOLVED)


VIEWS = (
    InboxView("mine", "Mine"),
    InboxView("unassigned", "Unassigned"),
    InboxView("teams", "My teams"),
    InboxView("open", "All open"),
    InboxView("pending", "Pending"),
    InboxView("solved", "Solved"),
)
PAGE = 50


def inbox_view(slug: str) -> InboxView:
    for view in VIEWS:
        if view.slug == slug:
            return view
    raise NotFound(f"there is no inbox view {slug!r}")


def inbox_counts(*, agent: Agent) -> dict[str, int]:
    mine = Ticket.objects.filter(visible_to(agent))
    return {view.slug: mine.filter(view.filter(agent)).count() for view in VIEWS}


def inbox_tickets(*, agent: Agent, view: InboxView, page: int = 1) -> QuerySet[Ticket]:
    """What needs attention first: higher priority, then the earliest SLA due time, then the
    longest waiting."""
    rank = Case(
        *(When(priority=p, then=Value(r)) for p, r in RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    start = (max(page, 1) - 1) * PAGE
    return (
        Ticket.objects.filter(visible_to(agent), view.filter(agent))
        .select_related("customer", "assignee", "team")
        .order_by(rank.desc(), F("sla_due_at").asc(nulls_last=True), "created_at", "id")[
            start : start + PAGE
        ]
    )


def ticket_search(*, agent: Agent, query: str, limit: int = PAGE) -> QuerySet[Ticket]:
    """Tickets by reference ("#123"), customer address (any of the customer's addresses),
    subject or the text of their messages; newest activity first."""
    query = query.strip()
    found = Ticket.objects.filter(visible_to(agent))
    reference = query.lstrip("#")
    if reference.isdigit() and len(reference) < 19:
        found = found.filter(pk=int(reference))
    elif "@" in query:
        found = found.filter(customer__addresses__address__icontains=query.lower())
    else:
        found = found.filter(Q(subject__icontains=query) | Q(messages__new_text__icontains=query))
    return (
        found.select_related("customer", "assignee", "team")
        .distinct()
        .order_by("-updated_at", "-id")[:limit]
    )
