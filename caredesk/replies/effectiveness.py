"""How well templates work, counted from what was recorded: their uses (`TemplateUse`) and the
status changes in the tickets' history. The definitions are in docs/templates.md; in short,
for a period:

- **uses**: the template's `TemplateUse` rows whose `used_at` falls in it;
- **time to solve**: for each use, from the use to the ticket's next solve (the first change
  to "solved" recorded at or after it); the median over the uses followed by one;
- **reopen rate**: of the tickets it was used on and solved after a use (each such solve
  counted once, however many uses came before it), the share reopened within 7 days of being
  solved (their next status change out of "solved" is back to open, within 7 days).

Two queries for any number of templates: the period's uses, and the status changes of their
tickets since the period began. The figures are then worked out here, in one pass
(`effectiveness_compute`, pure), rather than one query per template.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from django.db.models import FloatField, Func, Q, QuerySet
from django.db.models.fields.json import KT

from caredesk.core.vocabulary import Status
from caredesk.history.kinds import EventKind
from caredesk.replies.models import TemplateUse
from caredesk.tickets.models import TicketEvent

# The periods the list offers, in days (None: since the first use).
PERIODS: dict[str, int | None] = {"30": 30, "90": 90, "365": 365, "all": None}
DEFAULT_PERIOD = "90"
REOPEN_WINDOW = timedelta(days=7)
# A reply sent with "then set solved" records its use and the solve in one transaction, each
# with its own reading of the clock: a solve this close before the use is the use's own.
SAME_REPLY = timedelta(seconds=5)


class Use(NamedTuple):  # tuples: a period can hold hundreds of thousands
    template_id: int
    ticket_id: int
    used_at: datetime


class StatusChange(NamedTuple):
    ticket_id: int
    at: datetime
    old: str
    new: str


@dataclass(frozen=True)
class Effectiveness:
    uses: int = 0
    solved: int = 0  # tickets solved after a use (each solve once)
    reopened: int = 0  # of those, reopened within REOPEN_WINDOW of being solved
    median_to_solve: timedelta | None = None

    @property
    def reopen_rate(self) -> float | None:
        """Between 0 and 1; None when no ticket was solved after a use."""
        return self.reopened / self.solved if self.solved else None


NONE = Effectiveness()


@dataclass(frozen=True)
class _Solve:
    at: datetime
    reopened: bool


def _solves(changes: Iterable[StatusChange]) -> dict[int, list[_Solve]]:
    """Each ticket's solves in time order, each marked whether it was reopened in time."""
    by_ticket: dict[int, list[StatusChange]] = defaultdict(list)
    for change in changes:
        by_ticket[change.ticket_id].append(change)
    solves: dict[int, list[_Solve]] = {}
    for ticket_id, found in by_ticket.items():
        found.sort(key=lambda c: c.at)
        mine = []
        for i, change in enumerate(found):
            if change.new != Status.SOLVED:
                continue
            after = next((c for c in found[i + 1 :] if c.old == Status.SOLVED), None)
            reopened = (
                after is not None
                and after.new not in (Status.SOLVED, Status.CLOSED)
                and after.at - change.at <= REOPEN_WINDOW
            )
            mine.append(_Solve(change.at, reopened))
        solves[ticket_id] = mine
    return solves


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    values = sorted(values)
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def effectiveness_compute(
    uses: Iterable[Use], changes: Iterable[StatusChange]
) -> dict[int, Effectiveness]:
    """The figures of each template that has uses, from its uses and its tickets' status
    changes (pure; see the module's docstring for the definitions)."""
    solves = _solves(changes)
    times = {ticket_id: [s.at for s in found] for ticket_id, found in solves.items()}
    counts: dict[int, int] = defaultdict(int)
    to_solve: dict[int, list[timedelta]] = defaultdict(list)
    solved: dict[int, set[tuple[int, datetime]]] = defaultdict(set)
    reopened: dict[int, set[tuple[int, datetime]]] = defaultdict(set)
    for use in uses:
        counts[use.template_id] += 1
        ticket_solves = solves.get(use.ticket_id, [])
        index = bisect.bisect_left(times.get(use.ticket_id, []), use.used_at - SAME_REPLY)
        if index == len(ticket_solves):
            continue
        solve = ticket_solves[index]
        to_solve[use.template_id].append(max(solve.at - use.used_at, timedelta(0)))
        solved[use.template_id].add((use.ticket_id, solve.at))
        if solve.reopened:
            reopened[use.template_id].add((use.ticket_id, solve.at))
    return {
        template_id: Effectiveness(
            uses=count,
            solved=len(solved[template_id]),
            reopened=len(reopened[template_id]),
            median_to_solve=_median(to_solve[template_id]),
        )
        for template_id, count in counts.items()
    }


class _Epoch(Func):
    """A moment as seconds since 1970 (a float): read by the hundred thousand, these load far
    faster than timestamps, which the database adapter parses and converts row by row."""

    output_field = FloatField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS double precision)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # julianday() is a float of days: to the millisecond is what it holds exactly.
        template = "ROUND((julianday(%(expressions)s) - 2440587.5) * 86400.0, 3)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def template_effectiveness(
    *, templates: QuerySet[Any], since: datetime | None
) -> dict[int, Effectiveness]:
    """The figures of `templates` (a query of them, used as a subquery) for the uses since
    `since` (None: all of them). Two queries, whatever the number of templates."""
    uses = TemplateUse.objects.filter(template__in=templates.values("pk"))
    if since is not None:
        uses = uses.filter(used_at__gte=since)
    rows = uses.annotate(at=_Epoch("used_at")).values_list("template_id", "ticket_id", "at")
    found = [Use(template, ticket, _moment(at)) for template, ticket, at in rows]
    if not found:
        return {}
    changes = TicketEvent.objects.filter(
        Q(data__new=Status.SOLVED) | Q(data__old=Status.SOLVED),
        kind=EventKind.STATUS_CHANGED,
        ticket__in=uses.values("ticket_id"),
    )
    if since is not None:
        changes = changes.filter(created_at__gte=since - SAME_REPLY)
    # The statuses as text (->>), not as JSON documents to decode row by row.
    statuses = changes.annotate(
        at=_Epoch("created_at"), old=KT("data__old"), new=KT("data__new")
    ).values_list("ticket_id", "at", "old", "new")
    return effectiveness_compute(
        found, (StatusChange(ticket, _moment(at), old, new) for ticket, at, old, new in statuses)
    )
