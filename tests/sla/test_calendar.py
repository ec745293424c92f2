from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.sla.calendar import (
    ALL_DAY,
    BusinessCalendar,
    add_business_time,
    business_time_between,
    hours_on,
    is_open,
    next_open,
    open_intervals,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
OFFICE = ((time(9), time(17)),)
WEEKDAYS_9_TO_5 = dict.fromkeys(range(5), OFFICE)


def berlin(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN, fold=fold)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def office(**kwargs: Any) -> BusinessCalendar:
    return BusinessCalendar(
        **{"timezone": "Europe/Berlin", "weekly_hours": WEEKDAYS_9_TO_5, **kwargs}
    )


def spans(calendar: BusinessCalendar, start: datetime, end: datetime) -> list[tuple[str, str]]:
    return [(a.isoformat(), b.isoformat()) for a, b in open_intervals(calendar, start, end)]


# --- the brute-force oracle ---------------------------------------------------------------------
#
# A boundary is the first instant at which the local clock shows it, so a minute is open when
# the latest wall-clock time shown so far (the "high-water" clock, which stands still while a
# fall-back hour repeats) lies inside an interval that an open day starts. Minute by minute in
# UTC, with the day rules written out again here.


@cache
def oracle_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def oracle_hours(calendar: BusinessCalendar, day: date) -> list[tuple[datetime, datetime]]:
    if day in calendar.special_days:
        intervals = calendar.special_days[day]
    elif day in calendar.closed_days or (
        calendar.country
        and day in oracle_holidays(calendar.country, calendar.subdivision, day.year)
    ):
        intervals = ()
    else:
        intervals = calendar.weekly_hours.get(day.weekday(), ())
    result = []
    for start, end in intervals:
        end_day = day + timedelta(days=1) if end <= start else day
        result.append((datetime.combine(day, start), datetime.combine(end_day, end)))
    return result


def oracle_walk(calendar: BusinessCalendar, start: datetime) -> Iterator[bool]:
    """Whether each minute from `start` on is open."""
    zone = ZoneInfo(calendar.timezone)

    def wall(instant: datetime) -> datetime:
        return instant.astimezone(zone).replace(tzinfo=None)

    high = max(wall(start - minutes * MINUTE) for minutes in range(26 * 60))
    hours: dict[date, list[tuple[datetime, datetime]]] = {}
    for minute in itertools.count():
        high = max(high, wall(start + minute * MINUTE))
        open_now = False
        for day in (high.date() - timedelta(days=1), high.date()):
            if day not in hours:
                hours[day] = oracle_hours(calendar, day)
            open_now = open_now or any(a <= high < b for a, b in hours[day])
        yield open_now


# --- hypothesis strategies ----------------------------------------------------------------------

# Days where something happens: each zone's changes of offset, in both directions, and public
# holidays.
DST_CHANGES = {
    "Europe/Berlin": [date(2024, 3, 31), date(2024, 10, 27), date(2021, 3, 28), date(2030, 10, 27)],
    "America/New_York": [date(2024, 3, 10), date(2024, 11, 3), date(2027, 3, 14)],
    "Australia/Sydney": [date(2024, 4, 7), date(2024, 10, 6)],  # southern hemisphere
    "Australia/Lord_Howe": [date(2024, 4, 7), date(2024, 10, 6)],  # a half-hour change
    "Asia/Kolkata": [],  # a half-hour offset
    "UTC": [],
}
HOLIDAYS = [
    date(2024, 12, 25),
    date(2024, 12, 31),
    date(2024, 3, 29),  # Good Friday
    date(2026, 7, 3),  # US Independence Day observed on a Friday
    date(2024, 11, 28),  # Thanksgiving
]
COUNTRIES = [None, ("DE", "BE"), ("US", None), ("AU", "NSW")]


def quarter(q: int) -> time:
    return time(q * 15 // 60, q * 15 % 60)


def greedy(pieces: list[tuple[int, int]], circle: int | None) -> list[tuple[int, int]]:
    """Keep the (start, length) pieces, in quarters, that do not overlap earlier ones."""
    kept: list[tuple[int, int]] = []
    for start, length in sorted(pieces):
        if not kept or start >= kept[-1][0] + kept[-1][1]:
            kept.append((start, length))
    if circle is not None and len(kept) > 1 and kept[-1][0] + kept[-1][1] > circle + kept[0][0]:
        kept.pop()
    return kept


piece = st.tuples(st.integers(0, 95), st.integers(1, 95))  # quarters: under 24 hours long


@st.composite
def calendars(draw: st.DrawFn, zone: str, anchor: date) -> BusinessCalendar:
    week_pieces = draw(st.lists(st.tuples(st.integers(0, 6), piece), min_size=3, max_size=14))
    weekly: dict[int, list[tuple[time, time]]] = {}
    flat = [(day * 96 + start, length) for day, (start, length) in week_pieces]
    for start, length in greedy(flat, circle=7 * 96):
        weekly.setdefault(start // 96, []).append(
            (quarter(start % 96), quarter((start + length) % 96))
        )
    offsets = st.integers(-3, 3)
    special_days = {}
    special = draw(st.dictionaries(offsets, st.lists(piece, max_size=3), max_size=2))
    for offset, pieces in special.items():
        special_days[anchor + timedelta(days=offset)] = tuple(
            (quarter(start), quarter((start + length) % 96))
            for start, length in greedy(pieces, circle=None)
        )
    closed = {anchor + timedelta(days=offset) for offset in draw(st.sets(offsets, max_size=2))}
    country = draw(st.sampled_from(COUNTRIES))
    return BusinessCalendar(
        timezone=zone,
        weekly_hours={day: tuple(intervals) for day, intervals in weekly.items()},
        closed_days=closed - special_days.keys(),
        special_days=special_days,
        country=country[0] if country else None,
        subdivision=country[1] if country else None,
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[BusinessCalendar, datetime]:
    zone = draw(st.sampled_from(sorted(DST_CHANGES)))
    if len(DST_CHANGES[zone]) > 0 and draw(st.booleans()):
        anchor = draw(st.sampled_from(DST_CHANGES[zone]))
    else:
        anchor = draw(st.sampled_from(HOLIDAYS) | st.dates(date(2020, 1, 1), date(2030, 12, 31)))
    start = datetime.combine(anchor, time(), UTC) - draw(minutes_within(days=2)) * MINUTE
    return draw(calendars(zone, anchor)), start


def minutes_within(*, days: int) -> st.SearchStrategy[int]:
    """Whole minutes below `days` days, spread out (one integers() favours small values)."""
    return st.builds(
        lambda day, hour, minute: day * 1440 + hour * 60 + minute,
        st.integers(0, days - 1),
        st.integers(0, 23),
        st.integers(0, 59),
    )


ORACLE = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ORACLE
@given(scenarios(), minutes_within(days=4))
def test_business_time_between_matches_the_oracle(
    scenario: tuple[BusinessCalendar, datetime], minutes: int
) -> None:
    calendar, start = scenario
    end = start + minutes * MINUTE
    expected = sum(itertools.islice(oracle_walk(calendar, start), minutes)) * MINUTE
    assert business_time_between(calendar, start, end) == expected

    found = list(open_intervals(calendar, start, end))
    assert sum((b - a for a, b in found), timedelta()) == expected
    for a, b in found:
        assert a.tzinfo is UTC and b.tzinfo is UTC
        assert start <= a < b <= end
    for (_, b), (a, _) in itertools.pairwise(found):
        assert b < a  # in order, disjoint, and never touching


@ORACLE
@given(scenarios(), minutes_within(days=1))
def test_add_business_time_matches_the_oracle(
    scenario: tuple[BusinessCalendar, datetime], minutes: int
) -> None:
    calendar, start = scenario
    horizon = 8 * 24 * 60
    walked = 0
    expected: datetime | None = start if minutes == 0 else None
    for index, open_now in enumerate(itertools.islice(oracle_walk(calendar, start), horizon)):
        walked += open_now
        if expected is None and walked == minutes:
            expected = start + (index + 1) * MINUTE
            break
    try:
        result = add_business_time(calendar, start, minutes * MINUTE)
    except ValueError as error:  # no open time for years: the horizon saw too little
        assert expected is None and "no business time" in str(error)
        return
    if expected is None:
        assert result > start + horizon * MINUTE
    else:
        assert result == expected
        assert business_time_between(calendar, start, result) == minutes * MINUTE


@ORACLE
@given(scenarios())
def test_is_open_and_next_open_match_the_oracle(
    scenario: tuple[BusinessCalendar, datetime],
) -> None:
    calendar, start = scenario
    horizon = 8 * 24 * 60
    minutes = itertools.islice(oracle_walk(calendar, start), horizon)
    walk = list(itertools.takewhile(lambda open_now: not open_now, minutes))
    assert is_open(calendar, start) == (walk == [])
    try:
        opens = next_open(calendar, start)
    except ValueError:
        assert len(walk) >= horizon
        return
    if len(walk) < horizon:
        assert opens == start + len(walk) * MINUTE
    else:
        assert opens > start + horizon * MINUTE


@settings(max_examples=60, deadline=None)
@given(
    scenarios(),
    st.integers(0, 60 * 10**6 - 1),
    minutes_within(days=1),
    st.integers(0, 60 * 10**6 - 1),
)
def test_adding_inverts_measuring_at_any_resolution(
    scenario: tuple[BusinessCalendar, datetime], offset: int, minutes: int, microseconds: int
) -> None:
    calendar, start = scenario
    start += timedelta(microseconds=offset)
    duration = minutes * MINUTE + timedelta(microseconds=microseconds)
    try:
        end = add_business_time(calendar, start, duration)
    except ValueError:
        return
    assert business_time_between(calendar, start, end) == duration
    # ...and it is the earliest such instant: just before it, less time has passed.
    if duration:
        assert business_time_between(calendar, start, end - timedelta.resolution) < duration


# --- named cases ------------------------------------------------------------------------------


def test_friday_evening_email_is_due_monday_at_close() -> None:
    friday_evening = berlin(2024, 6, 14, 18, 30)
    due = add_business_time(office(), friday_evening, 8 * HOUR)
    assert due == berlin(2024, 6, 17, 17, 0)
    assert due.tzinfo is UTC
    assert business_time_between(office(), friday_evening, due) == 8 * HOUR
    # The answer is the end of open time, never the next opening.
    assert add_business_time(office(), berlin(2024, 6, 17, 9), 8 * HOUR) == berlin(2024, 6, 17, 17)
    assert add_business_time(office(), friday_evening, MINUTE) == berlin(2024, 6, 17, 9, 1)


def test_three_business_days_and_a_long_span() -> None:
    calendar = office(timezone="UTC")
    assert add_business_time(calendar, utc(2024, 1, 3, 12), 24 * HOUR) == utc(2024, 1, 8, 12)
    # 1000 hours are 125 business days: 25 whole weeks from a Monday morning.
    assert add_business_time(calendar, utc(2024, 1, 1, 9), 1000 * HOUR) == utc(2024, 6, 21, 17)


def test_spring_forward_night_inside_an_overnight_shift() -> None:
    calendar = BusinessCalendar("Europe/Berlin", {5: ((time(22), time(6)),)})
    weekend = (berlin(2024, 3, 30), berlin(2024, 4, 1))
    assert spans(calendar, *weekend) == [("2024-03-30T21:00:00+00:00", "2024-03-31T04:00:00+00:00")]
    assert business_time_between(calendar, *weekend) == 7 * HOUR
    assert business_time_between(calendar, berlin(2024, 3, 23), berlin(2024, 3, 25)) == 8 * HOUR
    shift_start = berlin(2024, 3, 30, 22)
    assert add_business_time(calendar, shift_start, 7 * HOUR) == berlin(2024, 3, 31, 6)
    assert add_business_time(calendar, shift_start, 7 * HOUR + MINUTE) == berlin(2024, 4, 6, 22, 1)


def test_boundaries_skipped_by_the_spring_gap_move_to_the_jump() -> None:
    sunday = date(2024, 3, 31)  # 02:00 becomes 03:00 (01:00 UTC)
    day = (berlin(2024, 3, 31), berlin(2024, 4, 1))
    starts_in_gap = BusinessCalendar(
        "Europe/Berlin", {}, special_days={sunday: ((time(2, 30), time(4)),)}
    )
    assert spans(starts_in_gap, *day) == [
        ("2024-03-31T01:00:00+00:00", "2024-03-31T02:00:00+00:00")
    ]
    ends_in_gap = BusinessCalendar(
        "Europe/Berlin", {}, special_days={sunday: ((time(1), time(2, 30)),)}
    )
    assert spans(ends_in_gap, *day) == [("2024-03-31T00:00:00+00:00", "2024-03-31T01:00:00+00:00")]
    inside_gap = BusinessCalendar(
        "Europe/Berlin", {}, special_days={sunday: ((time(2, 15), time(2, 45)),)}
    )
    assert spans(inside_gap, *day) == []


def test_fall_back_day_is_longer_by_the_repeated_hour() -> None:
    calendar = BusinessCalendar("Europe/Berlin", {6: ((time(0), time(12)),)})
    assert business_time_between(calendar, berlin(2024, 10, 27), berlin(2024, 10, 28)) == 13 * HOUR
    assert business_time_between(calendar, berlin(2024, 10, 20), berlin(2024, 10, 21)) == 12 * HOUR
    shift = BusinessCalendar("Europe/Berlin", {5: ((time(22), time(6)),)})
    assert business_time_between(shift, berlin(2024, 10, 26), berlin(2024, 10, 28)) == 9 * HOUR
    # New York repeats 01:00-02:00; an interval of that wall-clock hour lasts two real hours.
    new_york = BusinessCalendar("America/New_York", {6: ((time(1), time(2)),)})
    assert spans(new_york, utc(2024, 11, 3), utc(2024, 11, 4)) == [
        ("2024-11-03T05:00:00+00:00", "2024-11-03T07:00:00+00:00")
    ]


def test_boundaries_in_the_repeated_hour_are_their_first_occurrence() -> None:
    day = (berlin(2024, 10, 27), berlin(2024, 10, 28))  # 03:00 CEST becomes 02:00 CET
    late = BusinessCalendar("Europe/Berlin", {6: ((time(2, 30), time(10)),)})
    assert spans(late, *day) == [("2024-10-27T00:30:00+00:00", "2024-10-27T09:00:00+00:00")]
    assert is_open(late, berlin(2024, 10, 27, 2, 15, fold=1))  # the second 02:15: still open
    early = BusinessCalendar("Europe/Berlin", {6: ((time(0), time(2, 30)),)})
    assert spans(early, *day) == [("2024-10-26T22:00:00+00:00", "2024-10-27T00:30:00+00:00")]
    assert not is_open(early, berlin(2024, 10, 27, 2, 15, fold=1))


def test_southern_hemisphere_changes_in_april_and_october() -> None:
    calendar = BusinessCalendar("Australia/Sydney", {5: ((time(22), time(6)),)})

    def saturday_night(day: int, month: int) -> timedelta:
        start = datetime(2024, month, day, 12, tzinfo=SYDNEY)
        return business_time_between(calendar, start, start + 24 * HOUR)

    assert saturday_night(6, 4) == 9 * HOUR  # falls back on 7 April
    assert saturday_night(5, 10) == 7 * HOUR  # springs forward on 6 October
    assert saturday_night(13, 7) == 8 * HOUR


def test_half_hour_offset() -> None:
    calendar = BusinessCalendar("Asia/Kolkata", WEEKDAYS_9_TO_5)
    assert spans(calendar, utc(2024, 6, 17), utc(2024, 6, 18)) == [
        ("2024-06-17T03:30:00+00:00", "2024-06-17T11:30:00+00:00")
    ]


def test_christmas_and_new_year_in_berlin() -> None:
    calendar = office(country="DE", subdivision="BE")
    # 25 and 26 December are public holidays; the 24th is an ordinary Tuesday.
    assert add_business_time(calendar, berlin(2024, 12, 24, 12), 8 * HOUR) == berlin(
        2024, 12, 27, 12
    )
    assert add_business_time(calendar, berlin(2024, 12, 31, 17), HOUR) == berlin(2025, 1, 2, 10)
    week = (berlin(2024, 12, 23), berlin(2024, 12, 30))
    assert business_time_between(calendar, *week) == 24 * HOUR
    assert business_time_between(office(), *week) == 40 * HOUR
    assert hours_on(calendar, date(2024, 12, 25)) == ()
    assert hours_on(calendar, date(2024, 12, 24)) == OFFICE
    # Closing the 24th and the 31st as well is a custom closure.
    closures = office(country="DE", subdivision="BE", closed_days={date(2024, 12, 24)})
    assert add_business_time(closures, berlin(2024, 12, 23, 17), 8 * HOUR) == berlin(
        2024, 12, 27, 17
    )


def test_subdivision_and_observed_holidays() -> None:
    womens_day = (berlin(2024, 3, 8), berlin(2024, 3, 9))  # a holiday in Berlin only
    assert business_time_between(office(country="DE", subdivision="BE"), *womens_day) == timedelta()
    assert business_time_between(office(country="DE"), *womens_day) == 8 * HOUR
    us = BusinessCalendar("America/New_York", WEEKDAYS_9_TO_5, country="US")
    friday = datetime(2026, 7, 3, tzinfo=NEW_YORK)  # 4 July is a Saturday, observed the day before
    assert business_time_between(us, friday, friday + 24 * HOUR) == timedelta()


def test_special_opening_on_a_sunday_and_on_a_holiday() -> None:
    sunday = date(2024, 6, 16)
    calendar = office(special_days={sunday: ((time(10), time(14)),)})
    assert add_business_time(calendar, berlin(2024, 6, 14, 18), 8 * HOUR) == berlin(2024, 6, 17, 13)
    assert next_open(calendar, berlin(2024, 6, 15, 12)) == berlin(2024, 6, 16, 10)
    boxing_day = office(country="DE", special_days={date(2024, 12, 26): ((time(10), time(12)),)})
    assert hours_on(boxing_day, date(2024, 12, 26)) == ((time(10), time(12)),)
    assert business_time_between(boxing_day, berlin(2024, 12, 25), berlin(2024, 12, 27)) == 2 * HOUR
    closed_by_special = office(special_days={date(2024, 6, 17): ()})
    monday = (berlin(2024, 6, 17), berlin(2024, 6, 18))
    assert business_time_between(closed_by_special, *monday) == timedelta()


def test_overnight_shift_belongs_to_the_day_it_starts() -> None:
    nights = {3: ((time(22), time(6)),), 4: ((time(22), time(6)),)}
    thursday_to_sunday = (berlin(2024, 6, 13), berlin(2024, 6, 16))
    friday_closed = BusinessCalendar("Europe/Berlin", nights, closed_days={date(2024, 6, 14)})
    assert spans(friday_closed, *thursday_to_sunday) == [
        ("2024-06-13T20:00:00+00:00", "2024-06-14T04:00:00+00:00")
    ]
    saturday_closed = BusinessCalendar("Europe/Berlin", nights, closed_days={date(2024, 6, 15)})
    assert business_time_between(saturday_closed, *thursday_to_sunday) == 16 * HOUR
    sunday_night = BusinessCalendar("UTC", {6: ((time(22), time(6)),)})
    assert is_open(sunday_night, utc(2024, 6, 17, 5, 59))
    assert not is_open(sunday_night, utc(2024, 6, 17, 6))


def test_meeting_intervals_are_one_span() -> None:
    split = BusinessCalendar(
        "UTC",
        {
            4: ((time(9), time(12)), (time(12), time(17)), (time(22), time(0))),
            5: ((time(0), time(6)),),
        },
    )
    assert spans(split, utc(2024, 6, 14), utc(2024, 6, 16)) == [
        ("2024-06-14T09:00:00+00:00", "2024-06-14T17:00:00+00:00"),
        ("2024-06-14T22:00:00+00:00", "2024-06-15T06:00:00+00:00"),
    ]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"])
def test_always_open_is_elapsed_time(zone: str) -> None:
    calendar = BusinessCalendar.always_open(zone)
    # Subtracting two datetimes of one zone gives wall-clock time, so the elapsed time is spelt out.
    for start, end, elapsed in [
        (berlin(2024, 10, 26, 12), berlin(2024, 10, 28, 12), 49 * HOUR),
        (berlin(2024, 3, 30, 12), berlin(2024, 4, 1, 12), 47 * HOUR),
        (utc(2024, 1, 1), utc(2025, 1, 1, 0, 0, 1), 366 * 24 * HOUR + timedelta(seconds=1)),
    ]:
        assert business_time_between(calendar, start, end) == elapsed
        assert list(open_intervals(calendar, start, end)) == [(start, end)]
        assert add_business_time(calendar, start, elapsed) == end


def test_zero_duration_is_start_even_when_closed() -> None:
    saturday = berlin(2024, 6, 15, 12)
    assert add_business_time(office(), saturday, timedelta()) == saturday
    assert not is_open(office(), saturday)
    assert next_open(office(), saturday) == berlin(2024, 6, 17, 9)
    assert is_open(office(), berlin(2024, 6, 17, 9))
    assert next_open(office(), berlin(2024, 6, 17, 9, 30)) == berlin(2024, 6, 17, 9, 30)
    assert business_time_between(office(), berlin(2024, 6, 18), berlin(2024, 6, 17)) == timedelta()


def test_a_calendar_without_open_time_raises_instead_of_searching_for_ever() -> None:
    never = BusinessCalendar("Europe/Berlin", {})
    start = berlin(2024, 6, 14, 12)
    with pytest.raises(ValueError, match="no business time in the 732 days"):
        add_business_time(never, start, HOUR)
    with pytest.raises(ValueError, match="no business time"):
        next_open(never, start)
    past_only = BusinessCalendar("UTC", {}, special_days={date(2020, 1, 1): OFFICE})
    with pytest.raises(ValueError, match="no business time"):
        add_business_time(past_only, start, HOUR)
    assert business_time_between(never, start, start + 1000 * 24 * HOUR) == timedelta()
    # Open time far off is still found.
    once = BusinessCalendar("UTC", {}, special_days={date(2025, 12, 24): OFFICE})
    assert add_business_time(once, start, HOUR) == utc(2025, 12, 24, 10)


def test_calendar_is_a_value() -> None:
    weekly = {0: [(time(9), time(17))]}
    # A list of intervals on purpose: appending to it afterwards must not change the calendar.
    calendar = BusinessCalendar("UTC", weekly, closed_days={date(2024, 1, 1)})  # type: ignore[arg-type]
    weekly[0].append((time(18), time(19)))
    assert calendar.weekly_hours == {0: OFFICE}
    same = BusinessCalendar("UTC", {0: OFFICE}, closed_days=frozenset({date(2024, 1, 1)}))
    assert calendar == same and hash(calendar) == hash(same)
    assert calendar != BusinessCalendar("UTC", {0: OFFICE})
    assert calendar.zone == ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timezone": "Europe/Berln"}, "unknown time zone 'Europe/Berln'"),
        ({"timezone": ""}, "unknown time zone"),
        ({"country": "XX"}, "no public holidays known for 'XX'"),
        ({"country": "DE", "subdivision": "ZZ"}, "no public holidays known for 'DE-ZZ'"),
        ({"subdivision": "BE"}, "subdivision 'BE' needs a country"),
        ({"weekly_hours": {7: OFFICE}}, "a weekday is 0 .Monday. to 6 .Sunday., got 7"),
        (
            {"weekly_hours": {0: ((time(9), time(12)), (time(11), time(13)))}},
            "overlapping opening hours: Monday 09:00-12:00 and Monday 11:00-13:00",
        ),
        (
            {"weekly_hours": {4: ((time(22), time(6)),), 5: ((time(5), time(10)),)}},
            "overlapping opening hours: Friday 22:00-06:00 and Saturday 05:00-10:00",
        ),
        (
            {"weekly_hours": {6: ((time(22), time(6)),), 0: ((time(5), time(10)),)}},
            "overlapping opening hours: Sunday 22:00-06:00 and Monday 05:00-10:00",
        ),
        (
            {"weekly_hours": {0: ((time(9), time(9)),)}},
            "Monday: 09:00-09:00 starts where it ends; a whole day is ALL_DAY",
        ),
        ({"weekly_hours": {0: ((time(9),),)}}, "Monday: an interval is a .start, end. pair"),
        ({"weekly_hours": {0: ((time(9, tzinfo=UTC), time(17)),)}}, "local wall-clock times"),
        (
            {"special_days": {date(2024, 12, 24): ((time(9), time(12)), (time(10), time(11)))}},
            "overlapping opening hours: 2024-12-24 09:00-12:00 and 2024-12-24 10:00-11:00",
        ),
        (
            {"closed_days": {date(2024, 12, 24)}, "special_days": {date(2024, 12, 24): OFFICE}},
            "2024-12-24 is both a closed day and a special day",
        ),
        ({"closed_days": {datetime(2024, 12, 24)}}, "closed and special days are dates"),
    ],
)
def test_invalid_calendars_are_rejected_with_the_reason(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**{"timezone": "Europe/Berlin", "weekly_hours": {}, **kwargs})


def test_whole_days_and_meeting_intervals_are_valid() -> None:
    calendar = BusinessCalendar("UTC", {0: ALL_DAY, 1: ((time(0), time(9)), (time(9), time(0)))})
    assert business_time_between(calendar, utc(2024, 6, 17), utc(2024, 6, 19)) == 48 * HOUR


def test_naive_datetimes_and_negative_durations_are_rejected() -> None:
    naive, aware = datetime(2024, 6, 14, 12), berlin(2024, 6, 14, 12)
    calls: list[Callable[[], object]] = [
        lambda: open_intervals(office(), naive, aware),
        lambda: open_intervals(office(), aware, naive),
        lambda: business_time_between(office(), naive, aware),
        lambda: add_business_time(office(), naive, HOUR),
        lambda: is_open(office(), naive),
        lambda: next_open(office(), naive),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="must be timezone-aware, got the naive 2024-06-14T12"):
            call()
    with pytest.raises(ValueError, match="duration must not be negative"):
        add_business_time(office(), aware, -MINUTE)
