"""Calendars and policies for the SLA tests, and a clock the tests move by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from caredesk.core import clock
from caredesk.sla.models import Calendar, SlaPolicy

WEEKDAYS_9_TO_5 = {str(day): [["09:00", "17:00"]] for day in range(5)}


class Clock:
    """The frozen `clock.now()`; `move_to` and `advance` change it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def move_to(self, moment: datetime) -> None:
        clock.advance(moment - clock.now())
        self.now = moment

    def advance(self, delta: timedelta) -> None:
        self.move_to(self.now + delta)


@pytest.fixture
def frozen() -> Iterator[Clock]:
    start = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # a Tuesday
    with clock.frozen_at(start):
        yield Clock(start)


def only_calendar(**fields: Any) -> Calendar:
    """Make this the default calendar (the others stay, unused)."""
    Calendar.objects.update(is_default=False)
    fields.setdefault("name", f"test {Calendar.objects.count()}")
    return Calendar.objects.create(is_default=True, **fields)


def only_policy(**fields: Any) -> SlaPolicy:
    """Replace every policy with this one."""
    SlaPolicy.objects.all().delete()
    fields.setdefault("name", "Standard")
    return SlaPolicy.objects.create(**fields)


@pytest.fixture
def round_the_clock(db: None) -> SlaPolicy:
    """24/7 in UTC: business time is elapsed time, so the arithmetic in tests stays plain."""
    only_calendar(always_open=True)
    return only_policy(
        first_reply_minutes=60,
        next_reply_minutes=30,
        resolution_minutes=240,
        warn_at_percent=50,
        breach_raise_priority=True,
        breach_add_tag="sla-breached",
    )


@pytest.fixture
def berlin_office(db: None) -> Calendar:
    """Monday to Friday 09:00-17:00 in Berlin, with Berlin's public holidays."""
    return only_calendar(
        name="Berlin office",
        timezone="Europe/Berlin",
        weekly_hours=WEEKDAYS_9_TO_5,
        country="DE",
        subdivision="BE",
    )
