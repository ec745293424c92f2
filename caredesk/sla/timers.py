"""How a timer's clock moves: start, pause, resume, stop. Pure arithmetic on SlaTimer fields
(nothing is read from or written to the database here); the callers save.

A timer's business time used is `used_seconds` plus, while it runs, the calendar's open time
since `running_since`. Whenever it (re)starts, the instants it will be due and should warn are
worked out once, so finding due timers is an index range scan, not arithmetic over every row.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from functools import lru_cache

from caredesk.sla.calendar import BusinessCalendar, add_business_time, business_time_between
from caredesk.sla.models import SlaTimer, TimerState


def timer_used(timer: SlaTimer, calendar: BusinessCalendar, now: datetime) -> int:
    """Business seconds used so far."""
    used = timer.used_seconds
    if timer.state == TimerState.RUNNING and timer.running_since is not None:
        used += int(business_time_between(calendar, timer.running_since, now).total_seconds())
    return used


def timer_remaining(timer: SlaTimer, calendar: BusinessCalendar, now: datetime) -> int:
    """Business seconds left before the target; negative once it is overdue."""
    return timer.target_seconds - timer_used(timer, calendar, now)


def warn_threshold(timer: SlaTimer) -> int | None:
    """Business seconds used at which the timer warns, or None if it never does."""
    if not timer.warn_percent:
        return None
    return math.ceil(timer.target_seconds * timer.warn_percent / 100)


def timer_run(timer: SlaTimer, calendar: BusinessCalendar, now: datetime) -> None:
    """Let the timer run from `now` (start or resume) and work out when it is due and warns."""
    timer.state = TimerState.RUNNING
    timer.running_since = now
    timer.stopped_at = None
    timer_schedule(timer, calendar)


def timer_schedule(timer: SlaTimer, calendar: BusinessCalendar) -> None:
    """`due_at` and `warn_at` of a running timer, from what it has used and its target."""
    assert timer.running_since is not None
    since = timer.running_since
    left = max(timer.target_seconds - timer.used_seconds, 0)
    timer.due_at = _after(calendar, since, left)
    threshold = warn_threshold(timer)
    if timer.warned_at is not None or threshold is None:
        timer.warn_at = None
    else:
        before = max(threshold - timer.used_seconds, 0)
        timer.warn_at = _after(calendar, since, before)


@lru_cache(maxsize=4096)
def _after(calendar: BusinessCalendar, start: datetime, seconds: int) -> datetime:
    # A batch of new tickets starts all its timers at the same instant with the same targets:
    # the calendar walk is done once per distinct (calendar, start, target), not per ticket.
    return add_business_time(calendar, start, timedelta(seconds=seconds))


def timer_pause(timer: SlaTimer, calendar: BusinessCalendar, now: datetime) -> None:
    timer.used_seconds = timer_used(timer, calendar, now)
    timer.state = TimerState.PAUSED
    timer.running_since = None
    timer.due_at = None
    timer.warn_at = None


def timer_stop(timer: SlaTimer, calendar: BusinessCalendar, now: datetime, *, state: str) -> None:
    """Fulfil or cancel. `due_at` is kept, so a report can still say when it was due."""
    timer.used_seconds = timer_used(timer, calendar, now)
    timer.state = state
    timer.running_since = None
    timer.warn_at = None
    timer.stopped_at = now


def timer_late(timer: SlaTimer) -> bool:
    """Whether the timer used more than its target (checked once it stopped)."""
    return timer.breached_at is not None or timer.used_seconds > timer.target_seconds
