"""Business time: when a support team is open, and how much open time lies between two instants.

Pure: no database, no settings, no clock. Every instant going in must be timezone-aware and
every instant coming out is in UTC; elapsed business time is real elapsed time, never
wall-clock arithmetic.

Which rules govern a date
    Every opening interval belongs to the local date it starts on. A date's intervals are its
    special hours if it has any (an opening on a Sunday or on a holiday), else none if it is a
    closed day or a public holiday, else its weekday's hours. An interval whose end is not after
    its start runs past midnight, so Friday 22:00-06:00 is open until Saturday 06:00 whatever
    Saturday is, and not at all when Friday is a holiday. Open time is the union of all
    intervals: where a special day's hours meet a neighbouring day's, nothing counts twice.

How wall-clock hours become real time
    Each boundary is the first instant at which the local clock shows that time or later. A
    boundary skipped by a spring-forward gap moves to the moment of the jump, so an interval the
    gap falls in is shorter by the gap (22:00-06:00 is 7 hours on the night Berlin moves to
    summer time). A boundary in a fall-back repeat is its first occurrence, so an interval that
    holds the repeated hour is longer by it (00:00-12:00 is 13 hours on the day Berlin leaves
    summer time). Put another way: an instant is open when the latest wall-clock time shown so
    far lies inside an open interval.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from caredesk.sla.public_holidays import check_country, is_public_holiday

Interval = tuple[time, time]
Span = tuple[datetime, datetime]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# An interval may not start where it ends (is 09:00-09:00 nothing or a whole day?), so a whole
# day is two halves; they meet, and meeting intervals are one span of open time.
ALL_DAY: tuple[Interval, ...] = ((time(0), time(12)), (time(12), time(0)))

# How far add_business_time and next_open look for open time before giving up.
SEARCH_DAYS = 2 * 366

_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class BusinessCalendar:
    """When a team is open. Validated on construction; see the module docstring for the rules.

    `weekly_hours` maps a weekday (0 is Monday) to its intervals of local wall-clock time,
    `closed_days` are local dates closed all day, `special_days` replace a date's hours
    (including a closed day's or a public holiday's), and `country`/`subdivision` choose the
    public holidays of the `holidays` package (ISO codes such as "DE" and "BE").
    """

    timezone: str
    weekly_hours: Mapping[int, tuple[Interval, ...]]
    closed_days: AbstractSet[date] = frozenset()
    special_days: Mapping[date, tuple[Interval, ...]] = field(default_factory=dict)
    country: str | None = None
    subdivision: str | None = None
    zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "zone", zone_named(self.timezone))
        weekly: dict[int, tuple[Interval, ...]] = {}
        for weekday, intervals in self.weekly_hours.items():
            if not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValueError(f"a weekday is 0 (Monday) to 6 (Sunday), got {weekday!r}")
            weekly[weekday] = _checked(intervals, WEEKDAYS[weekday])
        _check_overlaps(
            (timedelta(days=weekday) + start, length, f"{WEEKDAYS[weekday]} {_label(interval)}")
            for weekday, intervals in weekly.items()
            for interval in intervals
            for start, length in [_extent(interval)]
        )
        closed = frozenset(_checked_date(day) for day in self.closed_days)
        special: dict[date, tuple[Interval, ...]] = {}
        for day, intervals in self.special_days.items():
            if _checked_date(day) in closed:
                raise ValueError(f"{day} is both a closed day and a special day")
            special[day] = _checked(intervals, day.isoformat())
        if self.subdivision is not None and self.country is None:
            raise ValueError(f"subdivision {self.subdivision!r} needs a country")
        if self.country is not None:
            check_country(self.country, self.subdivision)
        object.__setattr__(self, "weekly_hours", MappingProxyType(weekly))
        object.__setattr__(self, "closed_days", closed)
        object.__setattr__(self, "special_days", MappingProxyType(special))

    def __hash__(self) -> int:
        return hash(
            (
                self.timezone,
                tuple(sorted(self.weekly_hours.items())),
                self.closed_days,
                tuple(sorted(self.special_days.items())),
                self.country,
                self.subdivision,
            )
        )

    @classmethod
    def always_open(cls, timezone: str = "UTC") -> BusinessCalendar:
        """Open around the clock: business time is elapsed time."""
        return cls(timezone=timezone, weekly_hours=dict.fromkeys(range(7), ALL_DAY))


def hours_on(calendar: BusinessCalendar, day: date) -> tuple[Interval, ...]:
    """The intervals that start on the local date `day`, in order."""
    special = calendar.special_days.get(day)
    if special is not None:
        return special
    if day in calendar.closed_days:
        return ()
    if calendar.country is not None and is_public_holiday(
        calendar.country, calendar.subdivision, day
    ):
        return ()
    return calendar.weekly_hours.get(day.weekday(), ())


def open_intervals(calendar: BusinessCalendar, start: datetime, end: datetime) -> Iterator[Span]:
    """The open time within [start, end) as UTC spans: in order, disjoint and never touching."""
    start, end = as_utc(start, "start"), as_utc(end, "end")

    def merged() -> Iterator[Span]:
        pending: Span | None = None
        for piece_start, piece_end in _pieces(calendar, start, until=end):
            if piece_start >= end:
                break
            if pending is not None and piece_start == pending[1]:
                pending = (pending[0], min(piece_end, end))
                continue
            if pending is not None:
                yield pending
            pending = (piece_start, min(piece_end, end))
        if pending is not None:
            yield pending

    return merged() if start < end else iter(())


def business_time_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Open time within [start, end); zero when end is not after start."""
    return sum((b - a for a, b in open_intervals(calendar, start, end)), timedelta())


def add_business_time(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """The earliest instant t >= start with business_time_between(start, t) == duration, in UTC.

    The answer lies at the end of open time, never at the next opening: 8 business hours from
    Friday evening with Monday 09:00-17:00 is Monday 17:00. A zero duration gives `start`
    itself (in UTC), even when the calendar is closed then: nothing is owed, so nothing waits for
    the next opening. Raises ValueError when there is no open time for SEARCH_DAYS days in a
    row, rather than searching for ever; long durations are fine as long as open time recurs.
    """
    start = as_utc(start, "start")
    if duration < timedelta():
        raise ValueError(f"duration must not be negative, got {duration}")
    remaining = duration
    if not remaining:
        return start
    for span_start, span_end in _pieces(calendar, start, until=None):
        if span_end - span_start >= remaining:
            return span_start + remaining
        remaining -= span_end - span_start
    raise AssertionError("an endless search ended")  # _pieces without `until` raises instead


def is_open(calendar: BusinessCalendar, instant: datetime) -> bool:
    """Whether `instant` lies in open time (an interval's start is open, its end is not)."""
    instant = as_utc(instant, "instant")
    spans = open_intervals(calendar, instant, instant + timedelta.resolution)
    return next(spans, None) is not None


def next_open(calendar: BusinessCalendar, instant: datetime) -> datetime:
    """`instant` (in UTC) if the calendar is open then, else the next moment it opens.

    Raises ValueError when there is no open time for SEARCH_DAYS days in a row.
    """
    for span_start, _ in _pieces(calendar, as_utc(instant, "instant"), until=None):
        return span_start
    raise AssertionError("an endless search ended")


def _pieces(
    calendar: BusinessCalendar, since: datetime, *, until: datetime | None
) -> Iterator[Span]:
    """Open time from `since` on, walking day by day: disjoint spans in order, which may touch.

    Touching spans are left for open_intervals to join, so that open time without end (a 24/7
    calendar) still comes out piece by piece. With `until`, stops once no more piece can start
    before it (the last may start after it); without, raises ValueError after SEARCH_DAYS days
    in a row without open time.
    """
    zone = calendar.zone
    # The day before may have an overnight interval that is still open.
    day = since.astimezone(zone).date() - _DAY
    reached = since  # open time before this is behind us or already given out
    idle_days = 0
    while until is None or first_instant(datetime.combine(day, time()), zone) < until:
        idle_days += 1
        # Days' spans come in order of their starts; only their ends may overlap the next day's.
        for start, end in _day_spans(calendar, day):
            if end > reached:
                yield max(start, reached), end
                reached = end
                idle_days = 0
        if until is None and idle_days > SEARCH_DAYS:
            raise ValueError(
                f"the calendar has no business time in the {SEARCH_DAYS} days "
                f"after {since.isoformat()}"
            )
        day += _DAY


def _day_spans(calendar: BusinessCalendar, day: date) -> Iterator[Span]:
    zone = calendar.zone
    for start, end in hours_on(calendar, day):
        last_day = day if end > start else day + _DAY
        span_start = first_instant(datetime.combine(day, start), zone)
        span_end = first_instant(datetime.combine(last_day, end), zone)
        if span_start < span_end:  # a day skipped whole by its zone leaves nothing
            yield span_start, span_end


def first_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first instant at which the clock in `zone` shows the naive `wall` time or later."""
    instant = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the first of two occurrences
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # `wall` lies in a gap: find the jump by bisection over whole seconds, the resolution of
    # every time zone transition. The fold=1 reading falls before the jump, fold=0 after it.
    before = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = (before - _EPOCH) // _SECOND, -((_EPOCH - instant) // _SECOND)
    while high - low > 1:
        middle = (low + high) // 2
        if (_EPOCH + middle * _SECOND).astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return _EPOCH + high * _SECOND


def as_utc(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime):
        raise ValueError(f"{name} must be a datetime, got {moment!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got the naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name such as 'Europe/Berlin'"
        ) from None


def _checked_date(day: object) -> date:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ValueError(f"closed and special days are dates, got {day!r}")
    return day


def _checked(intervals: Iterable[Interval], where: str) -> tuple[Interval, ...]:
    """The intervals of one day, validated and sorted by start."""
    result: list[Interval] = []
    for interval in intervals:
        if (
            not isinstance(interval, tuple)
            or len(interval) != 2
            or not all(isinstance(t, time) for t in interval)
        ):
            raise ValueError(
                f"{where}: an interval is a (start, end) pair of times, got {interval!r}"
            )
        start, end = interval
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError(f"{where}: opening hours are local wall-clock times without a zone")
        if start == end:
            raise ValueError(
                f"{where}: {_label(interval)} starts where it ends; a whole day is ALL_DAY"
            )
        result.append(interval)
    result.sort()
    _check_overlaps(
        (start, length, f"{where} {_label(interval)}")
        for interval in result
        for start, length in [_extent(interval)]
    )
    return tuple(result)


def _check_overlaps(spans: Iterable[tuple[timedelta, timedelta, str]]) -> None:
    """Raise if any two (start, length, label) spans overlap, on a circle of one week.

    Days' own intervals start within the day, so the circle only matters for the week, where
    Sunday night runs into Monday morning.
    """
    ordered = sorted(spans)
    week = timedelta(days=7)
    latest: tuple[timedelta, timedelta, str] | None = None  # the one reaching furthest
    for span in [*ordered, *((start + week, length, label) for start, length, label in ordered)]:
        if latest is not None and span[0] < latest[0] + latest[1]:
            raise ValueError(f"overlapping opening hours: {latest[2]} and {span[2]}")
        if latest is None or span[0] + span[1] > latest[0] + latest[1]:
            latest = span


def _extent(interval: Interval) -> tuple[timedelta, timedelta]:
    """Where an interval starts within its day, and how long it runs on the wall clock."""
    start, end = (
        timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)
        for t in interval
    )
    return start, end - start if end > start else end - start + _DAY


def _label(interval: Interval) -> str:
    return "-".join(
        t.isoformat("minutes") if not (t.second or t.microsecond) else t.isoformat()
        for t in interval
    )
