"""What the inbox shows: the views agents work from, their counts, and the order of rows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Substr

from caredesk.access import principal_of, tickets_visible
from caredesk.accounts.models import Agent
from caredesk.core.errors import InvalidRequest, NotFound
from caredesk.core.ordering import Key
from caredesk.customers.models import CustomerAddress
from caredesk.tickets.models import Message, MessageKind, Participant, Status, Ticket
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


def inbox_landing(*, agent: Agent) -> InboxView:
    """The view `/` opens on: the one with work in it. Mine when a ticket of the agent's waits
    on us (new, open, on hold); else Unassigned when it holds any; else Mine. One count query.
    """
    counted = Ticket.objects.filter(tickets_visible(principal_of(agent))).aggregate(
        mine=Count("pk", filter=Q(assignee=agent, status__in=WAITING_ON_US)),
        unassigned=Count("pk", filter=inbox_view("unassigned").filter(agent)),
    )
    if not counted["mine"] and counted["unassigned"]:
        return inbox_view("unassigned")
    return inbox_view("mine")


@dataclass(frozen=True)
class Sort:
    """A column the inbox can be sorted by (`?sort=updated`, or `?sort=-updated` reversed).

    `keys` read ascending; `first` is the direction a first click on the header asks for
    (the one agents usually want: the newest update, the longest waiting)."""

    slug: str
    keys: tuple[Key, ...]
    first: str = "asc"

    def order(self, direction: str) -> tuple[Key, ...]:
        if direction == "asc":
            return self.keys
        return tuple(replace(key, descending=not key.descending) for key in self.keys)


SORTS = {
    sort.slug: sort
    for sort in (
        Sort("ticket", (Key("id"),), first="desc"),
        Sort("priority", (Key("priority_rank"), Key("id")), first="desc"),
        Sort("due", (Key("sla_due_at", nullable=True), Key("id"))),
        Sort("waiting", (Key("last_customer_message_at", nullable=True), Key("id"))),
        Sort("updated", (Key("updated_at"), Key("id")), first="desc"),
    )
}


@dataclass(frozen=True)
class SortChoice:
    """The sort a page was asked for: a column and a direction ("asc" or "desc")."""

    slug: str
    direction: str

    @property
    def param(self) -> str:
        return self.slug if self.direction == "asc" else f"-{self.slug}"

    def keys(self) -> tuple[Key, ...]:
        return SORTS[self.slug].order(self.direction)


def sort_parse(value: str | None) -> SortChoice | None:
    """`?sort=` read: None for the view's own order; InvalidRequest for a column that is not
    one, saying which are."""
    value = (value or "").strip().lower()
    if not value:
        return None
    slug = value.removeprefix("-")
    if slug not in SORTS:
        raise InvalidRequest(f"sort {value[:40]} is not one of {', '.join(SORTS)}")
    return SortChoice(slug, "desc" if value.startswith("-") else "asc")


def sort_links(current: SortChoice | None) -> dict[str, dict[str, str]]:
    """For each sortable header: the `sort` value a click asks for, and the sorted state the
    header announces now (aria-sort: "ascending", "descending" or "none")."""
    links = {}
    for slug, sort in SORTS.items():
        if current is not None and current.slug == slug:
            direction = "asc" if current.direction == "desc" else "desc"
            state = "ascending" if current.direction == "asc" else "descending"
        else:
            direction, state = sort.first, "none"
        links[slug] = {"param": slug if direction == "asc" else f"-{slug}", "state": state}
    return links


def inbox_tickets(
    *,
    agent: Agent,
    view: InboxView,
    filters: InboxFilters | None = None,
    sort: SortChoice | None = None,
    after: int | None = None,
    before: int | None = None,
) -> Page[Ticket]:
    """One page of the view, narrowed by `filters`, in the view's order or by `sort`."""
    rows = Ticket.objects.filter(tickets_visible(principal_of(agent)), view.filter(agent))
    if filters:
        rows = rows.filter(filters.matching(agent))
    rows = rows.select_related("customer", "assignee", "team", "sla_policy")
    order = sort.keys() if sort is not None else view.order
    return keyset_page(rows, order, after=after, before=before, size=PAGE)


# --- what a row shows besides the ticket's own fields ---------------------------------------

PREVIEW_CHARS = 120
# Read from the database for a preview: enough for a first line, never a whole 30 MB email.
PREVIEW_READ = 600
WRITTEN = (MessageKind.CUSTOMER, MessageKind.REPLY)  # what the customer and agents wrote


@dataclass(frozen=True)
class RowDetails:
    """What an inbox (or search) row shows of a ticket's conversation."""

    sender: str  # the requester's address: shown for a customer without a name
    last_from: str  # who wrote last: the customer (name, else address) or the agent's name
    last_from_agent: bool
    preview: str  # the start of the customer's latest text, on one line
    waiting_since: datetime | None  # when the customer wrote, while their email is the latest
    answered: bool = True  # an agent has replied to the customer (solving asks when not)
    # How upset the customer's latest message sounds (caredesk.language.upset), 0 calm .. 3.
    upset_level: int = 0
    upset_reasons: tuple[str, ...] = ()


def preview_line(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The first words of `text` on one line: blank lines skipped, spaces collapsed, cut at
    a word with an ellipsis."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[:limit].rsplit(" ", 1)[0] if " " in words[:limit] else words[:limit]
    return cut.rstrip(" ,.;:") + "…"


def row_details(tickets: Sequence[Ticket]) -> dict[int, RowDetails]:
    """`RowDetails` for each ticket, by pk: one query however many tickets (each value a
    subquery over one ticket's messages, bodies cut by the database)."""
    ids = [t.pk for t in tickets]
    if not ids:
        return {}
    written = Message.objects.filter(ticket=OuterRef("pk"), kind__in=WRITTEN).order_by(
        "-created_at", "-id"
    )
    customer = Message.objects.filter(ticket=OuterRef("pk"), kind=MessageKind.CUSTOMER).order_by(
        "-created_at", "-id"
    )
    requester = Participant.objects.filter(
        ticket=OuterRef("pk"), role=Participant.Role.REQUESTER
    ).order_by("pk")
    address = CustomerAddress.objects.filter(customer_id=OuterRef("customer_id")).order_by("pk")

    def first(rows: Any, field: str) -> Subquery:
        return Subquery(rows.values(field)[:1])

    found = (
        Ticket.objects.filter(pk__in=ids)
        .values("pk")
        .annotate(
            last_kind=first(written, "kind"),
            last_author=first(written, "author__name"),
            last_name=first(written, "from_name"),
            last_address=first(written, "from_address"),
            preview=Subquery(
                customer.annotate(start=Substr("new_text", 1, PREVIEW_READ)).values("start")[:1]
            ),
            upset_level=first(customer, "upset_level"),
            upset_reasons=first(customer, "upset_reasons"),
            requester=first(requester, "address"),
            address=first(address, "address"),
            answered=Exists(Message.objects.filter(ticket=OuterRef("pk"), kind=MessageKind.REPLY)),
        )
    )
    by_pk: dict[int, dict[str, Any]] = {row["pk"]: dict(row) for row in found}
    details = {}
    for ticket in tickets:
        row: dict[str, Any] = by_pk.get(ticket.pk, {})
        sender = row.get("requester") or row.get("address") or ""
        agent_wrote = row.get("last_kind") == MessageKind.REPLY
        if agent_wrote:
            last_from = row.get("last_author") or "an agent"
        elif row.get("last_kind"):
            last_from = (
                row.get("last_name") or ticket.customer.name or row.get("last_address") or sender
            )
        else:
            last_from = ""
        details[ticket.pk] = RowDetails(
            sender=sender,
            last_from=last_from,
            last_from_agent=agent_wrote,
            preview=preview_line(row.get("preview") or ""),
            waiting_since=(
                ticket.last_customer_message_at
                if row.get("last_kind") == MessageKind.CUSTOMER
                else None
            ),
            answered=bool(row.get("answered", True)),
            upset_level=int(row.get("upset_level") or 0),
            upset_reasons=tuple(_reasons(row.get("upset_reasons"))),
        )
    return details


def _reasons(value: Any) -> list[str]:
    """The stored reasons, read back (a JSON list; the subquery may hand SQLite's text)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [str(v) for v in value] if isinstance(value, list) else []
