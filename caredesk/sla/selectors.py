"""SLA state shaped for reading: what the inbox row and the ticket page show, and the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from caredesk.core import clock
from caredesk.sla.book import calendar_usable
from caredesk.sla.calendar import BusinessCalendar
from caredesk.sla.models import ACTIVE_STATES, SlaPolicy, SlaTimer, TimerState
from caredesk.sla.timers import timer_used


class SlaRow(Protocol):
    """A ticket as its SLA summary reads it (a tickets.Ticket row)."""

    pk: Any
    sla_state: str

    @property
    def sla_policy(self) -> SlaPolicy | None: ...


@dataclass(frozen=True)
class TimerView:
    kind: str
    state: str
    policy: str | None
    target_seconds: int
    used_seconds: int
    remaining_seconds: int  # business time; negative once overdue
    started_at: datetime
    due_at: datetime | None
    warned_at: datetime | None
    breached_at: datetime | None
    stopped_at: datetime | None


@dataclass(frozen=True)
class SlaView:
    state: str
    policy: str | None
    next_target: str | None  # the kind of the active timer due first
    due_at: datetime | None
    remaining_seconds: int | None
    timers: tuple[TimerView, ...]


def sla_views(*, tickets: Sequence[SlaRow], now: datetime | None = None) -> dict[int, SlaView]:
    """The SLA state of each ticket, by pk: a fixed handful of queries however many tickets."""
    ids = [t.pk for t in tickets]
    if not ids:
        return {}
    now = now or clock.now()
    calendars: dict[int, BusinessCalendar] = {}
    timers: dict[int, list[TimerView]] = {pk: [] for pk in ids}
    found = SlaTimer.objects.filter(ticket_id__in=ids).select_related("policy", "calendar")
    for timer in found.order_by("created_at", "pk"):
        if timer.calendar_id not in calendars:
            calendars[timer.calendar_id] = calendar_usable(timer.calendar)
        timers[timer.ticket_id].append(_view(timer, calendars[timer.calendar_id], now))
    views = {}
    for ticket in tickets:
        mine = timers[ticket.pk]
        active = [t for t in mine if t.state in ACTIVE_STATES]
        first = min(
            active,
            key=lambda t: (t.state != TimerState.RUNNING, t.remaining_seconds),
            default=None,
        )
        views[ticket.pk] = SlaView(
            state=ticket.sla_state,
            policy=ticket.sla_policy.name if ticket.sla_policy is not None else None,
            next_target=first.kind if first is not None else None,
            due_at=first.due_at if first is not None else None,
            remaining_seconds=first.remaining_seconds if first is not None else None,
            timers=tuple(mine),
        )
    return views


def _view(timer: SlaTimer, calendar: BusinessCalendar, now: datetime) -> TimerView:
    used = timer_used(timer, calendar, now)  # (business time: worked out once)
    return TimerView(
        kind=timer.kind,
        state=timer.state,
        policy=timer.policy.name if timer.policy is not None else None,
        target_seconds=timer.target_seconds,
        used_seconds=used,
        remaining_seconds=timer.target_seconds - used,
        started_at=timer.created_at,
        due_at=timer.due_at,
        warned_at=timer.warned_at,
        breached_at=timer.breached_at,
        stopped_at=timer.stopped_at,
    )
