"""What the inbox shows: the views agents work from, their counts, and the order of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from caredesk.access import principal_of, tickets_visible
from caredesk.accounts.models import Agent
from caredesk.core.errors import NotFound
from caredesk.core.ordering import Key
from caredesk.tickets.models import Status, Ticket
from caredesk.tickets.selectors import ATTENTION, RECENT
from caredesk.workspace.filters import InboxFilters
from caredesk.workspace.pages import Page, keyset_page

UNSOLVED = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
WAITING_ON_US = (Status.NEW, Status.OPEN, Status.ON_HOLD)


@dataclass(frozen=True)
class InboxView:
    slug: str
    title: str
    order: tuple[Key, ...] = ATTENTION  # Solved shows the most recently updated first

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
    InboxView("solved", "Solved", RECENT),
)
PAGE = 50


def inbox_view(slug: str) -> InboxView:
    for view in VIEWS:
        if view.slug == slug:
            return view
    raise NotFound(f"there is no inbox view {slug!r}")


def inbox_counts(*, agent: Agent) -> dict[str, int]:
    """How many tickets each view holds: one pass over the agent's unclosed tickets."""
    counted = (
        Ticket.objects.filter(tickets_visible(principal_of(agent)))
        .exclude(status=Status.CLOSED)
        .aggregate(**{view.slug: Count("pk", filter=view.filter(agent)) for view in VIEWS})
    )
    return {slug: int(counted[slug] or 0) for slug in (view.slug for view in VIEWS)}


def inbox_tickets(
    *,
    agent: Agent,
    view: InboxView,
    filters: InboxFilters | None = None,
    after: int | None = None,
    before: int | None = None,
) -> Page[Ticket]:
    """One page of the view, narrowed by `filters`, in the view's order."""
    rows = Ticket.objects.filter(tickets_visible(principal_of(agent)), view.filter(agent))
    if filters:
        rows = rows.filter(filters.matching(agent))
    rows = rows.select_related("customer", "assignee", "team", "sla_policy")
    return keyset_page(rows, view.order, after=after, before=before, size=PAGE)
