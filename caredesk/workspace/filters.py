"""Inbox filters: what an agent narrows a view down to, read from (and written back to) the
page's query string, so a filtered inbox is a link that can be shared or saved as a view.

    status=open&status=pending&priority=urgent&team=3&assignee=me&tag=refund
    &mailbox=1&customer=jane&since=2026-11-01&until=2026-11-30&text=invoice
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q

from caredesk.accounts.models import Agent
from caredesk.core.errors import InvalidRequest
from caredesk.customers.models import CustomerAddress
from caredesk.tickets.models import Message, Priority, Status, Ticket
from caredesk.workspace.timezones import agent_zone

# Query-string names that are not filters (the view, paging) and pass through untouched.
NOT_FILTERS = {"view", "after", "before", "page", "sort"}
TEXT_MAX = 200


@dataclass(frozen=True)
class InboxFilters:
    status: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    team: str = ""  # a team's id, or "none"
    assignee: str = ""  # an agent's email, "me" or "none"
    tag: str = ""
    mailbox: str = ""  # a mailbox's id
    customer: str = ""  # part of a customer's name or address
    since: date | None = None  # created on or after (the agent's day)
    until: date | None = None  # created on or before
    text: str = ""  # in the subject or what customers and agents wrote

    def __bool__(self) -> bool:
        return bool(self.query_string())

    def query_string(self) -> str:
        pairs: list[tuple[str, str]] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                pairs += [(f.name, v) for v in value]
            elif isinstance(value, date):
                pairs.append((f.name, value.isoformat()))
            elif value:
                pairs.append((f.name, value))
        return urlencode(pairs)

    def matching(self, agent: Agent) -> Q:
        """The tickets these filters keep, for `agent` ("me", their day boundaries)."""
        found = Q()
        if self.status:
            found &= Q(status__in=self.status)
        if self.priority:
            found &= Q(priority__in=self.priority)
        if self.team == "none":
            found &= Q(team__isnull=True)
        elif self.team:
            found &= Q(team_id=int(self.team))
        if self.assignee == "none":
            found &= Q(assignee__isnull=True)
        elif self.assignee == "me":
            found &= Q(assignee=agent)
        elif self.assignee:
            found &= Q(assignee__email__iexact=self.assignee)
        if self.tag:  # (subqueries, so a ticket never shows twice)
            tagged = Ticket.tags.through.objects.filter(
                ticket_id=OuterRef("pk"), tag__name__iexact=self.tag
            )
            found &= Q(Exists(tagged))
        if self.mailbox:
            found &= Q(mailbox_id=int(self.mailbox))
        if self.customer:
            addresses = CustomerAddress.objects.filter(
                customer_id=OuterRef("customer_id"), address__icontains=self.customer.lower()
            )
            found &= Q(customer__name__icontains=self.customer) | Q(Exists(addresses))
        zone = agent_zone(agent)
        if self.since:
            found &= Q(created_at__gte=datetime.combine(self.since, time(), zone))
        if self.until:
            next_day = datetime.combine(self.until + timedelta(days=1), time(), zone)
            found &= Q(created_at__lt=next_day)
        if self.text:
            written = Message.objects.filter(ticket=OuterRef("pk"), new_text__icontains=self.text)
            found &= Q(subject__icontains=self.text) | Q(Exists(written))
        return found

    def describe(self) -> list[str]:
        """Short phrases for the filters in use, for the page to say what it shows."""
        said = []
        if self.status:
            said.append("status " + " or ".join(self.status))
        if self.priority:
            said.append("priority " + " or ".join(self.priority))
        for name in ("team", "assignee", "tag", "mailbox", "customer", "text"):
            if value := getattr(self, name):
                said.append(f"{name} {value}")
        if self.since:
            said.append(f"since {self.since:%d %b %Y}")
        if self.until:
            said.append(f"until {self.until:%d %b %Y}")
        return said


def filters_parse(query: Mapping[str, Sequence[str]]) -> InboxFilters:
    """Filters from a query string's values (a QueryDict's `lists()` or parse_qs output).
    Unreadable values raise InvalidRequest saying which and why."""
    problems: list[str] = []

    def many(name: str, allowed: Sequence[str]) -> tuple[str, ...]:
        chosen = tuple(dict.fromkeys(v.strip().lower() for v in query.get(name, []) if v.strip()))
        wrong = [v for v in chosen if v not in allowed]
        if wrong:
            problems.append(f"{name} {', '.join(wrong)!s} is not one of {', '.join(allowed)}")
        return tuple(v for v in chosen if v in allowed)

    def one(name: str) -> str:
        values = [v.strip() for v in query.get(name, []) if v.strip()]
        return values[-1][:TEXT_MAX] if values else ""

    def number(name: str, *words: str) -> str:
        value = one(name).lower()
        if value and value not in words and not value.isdigit():
            problems.append(f"{name} must be a number{' or ' + ', '.join(words) if words else ''}")
            return ""
        return value

    def day(name: str) -> date | None:
        value = one(name)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            problems.append(f"{name} must be a date such as 2026-11-24, not {value!r}")
            return None

    filters = InboxFilters(
        status=many("status", Status.values),
        priority=many("priority", Priority.values),
        team=number("team", "none"),
        assignee=one("assignee").lower(),
        tag=one("tag"),
        mailbox=number("mailbox"),
        customer=one("customer"),
        since=day("since"),
        until=day("until"),
        text=one("text"),
    )
    if filters.since and filters.until and filters.since > filters.until:
        problems.append("since must not be after until")
    if problems:
        raise InvalidRequest("; ".join(problems))
    return filters
