from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.sla.promise import promise_due, promise_phrase

MINUTE = timedelta(minutes=1)
QUARTER = timedelta(minutes=15)
HOUR = timedelta(hours=1)

# Tuesday 1 December 2026, nine in the morning in Berlin: "now" unless a test says otherwise.
NOW = datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Europe/Berlin"))


def at(
    zone: str,
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    microsecond: int = 0,
    *,
    fold: int = 0,
) -> datetime:
    return datetime(
        year, month, day, hour, minute, second, microsecond, tzinfo=ZoneInfo(zone), fold=fold
    )


def local_due(due: datetime, zone: str) -> str:
    return promise_due(due=due, timezone=zone).astimezone(ZoneInfo(zone)).isoformat()


# --- each phrasing, in several zones ------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "now", "due", "expected"),
    [
        # Berlin in winter
        ("Europe/Berlin", NOW, at("Europe/Berlin", 2026, 12, 1, 15), "today by 15:00 CET"),
        ("Europe/Berlin", NOW, at("Europe/Berlin", 2026, 12, 2, 9, 50), "tomorrow by 10:00 CET"),
        ("Europe/Berlin", NOW, at("Europe/Berlin", 2026, 12, 3, 10), "by Thursday 10:00 CET"),
        ("Europe/Berlin", NOW, at("Europe/Berlin", 2026, 12, 7, 10), "by Monday 10:00 CET"),
        # a week ahead is today's weekday again, so it gets the date
        (
            "Europe/Berlin",
            NOW,
            at("Europe/Berlin", 2026, 12, 8, 10),
            "by Tuesday 8 December 10:00 CET",
        ),
        (
            "Europe/Berlin",
            NOW,
            at("Europe/Berlin", 2027, 1, 5, 10),
            "by Tuesday 5 January 2027 10:00 CET",
        ),
        # Berlin in summer
        (
            "Europe/Berlin",
            at("Europe/Berlin", 2026, 7, 14, 8),
            at("Europe/Berlin", 2026, 7, 14, 16, 59),
            "today by 17:00 CEST",
        ),
        (
            "Europe/Berlin",
            at("Europe/Berlin", 2026, 7, 14, 8),
            at("Europe/Berlin", 2026, 7, 31, 9),
            "by Friday 31 July 09:00 CEST",
        ),
        # New York, winter and summer
        (
            "America/New_York",
            at("America/New_York", 2026, 1, 12, 17),
            at("America/New_York", 2026, 1, 13, 9, 5),
            "tomorrow by 09:15 EST",
        ),
        (
            "America/New_York",
            at("America/New_York", 2026, 6, 1, 17),
            at("America/New_York", 2026, 6, 5, 12),
            "by Friday 12:00 EDT",
        ),
        # half- and quarter-hour offsets: the customer still reads a quarter hour
        ("Asia/Kolkata", NOW, datetime(2026, 12, 1, 10, 1, tzinfo=UTC), "today by 15:45 IST"),
        (
            "Asia/Kathmandu",
            NOW,
            datetime(2026, 12, 1, 10, 1, tzinfo=UTC),
            "today by 16:00 UTC+05:45",
        ),
        (
            "Asia/Kathmandu",
            NOW,
            datetime(2026, 12, 3, 10, tzinfo=UTC),
            "by Thursday 15:45 UTC+05:45",
        ),
        ("UTC", NOW, datetime(2026, 12, 1, 23, 59, tzinfo=UTC), "tomorrow by 00:00 UTC"),
        ("UTC", NOW, datetime(2026, 12, 20, 8, 30, tzinfo=UTC), "by Sunday 20 December 08:30 UTC"),
        (
            "America/Sao_Paulo",
            NOW,
            datetime(2026, 12, 1, 13, 14, tzinfo=UTC),
            "today by 10:15 UTC-03:00",
        ),
        # the Azores' summer time is "+00": an offset of zero reads as UTC
        (
            "Atlantic/Azores",
            at("Atlantic/Azores", 2026, 7, 14, 8),
            datetime(2026, 7, 14, 11, 40, tzinfo=UTC),
            "today by 11:45 UTC",
        ),
    ],
)
def test_each_phrasing_in_several_zones(
    zone: str, now: datetime, due: datetime, expected: str
) -> None:
    assert promise_phrase(due=due, now=now, timezone=zone) == expected


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (at("Europe/Berlin", 2026, 12, 1, 15), "today by 15:00 CET"),
        (at("Europe/Berlin", 2026, 12, 1, 15, 0, 0, 1), "today by 15:15 CET"),
        (at("Europe/Berlin", 2026, 12, 1, 15, 1), "today by 15:15 CET"),
        (at("Europe/Berlin", 2026, 12, 1, 14, 59, 59), "today by 15:00 CET"),
        (at("Europe/Berlin", 2026, 12, 1, 15, 45), "today by 15:45 CET"),
        # rounding up past midnight moves the promise to the next day, never back
        (at("Europe/Berlin", 2026, 12, 1, 23, 50), "tomorrow by 00:00 CET"),
    ],
)
def test_rounds_up_to_the_next_quarter_hour(due: datetime, expected: str) -> None:
    assert promise_phrase(due=due, now=NOW, timezone="Europe/Berlin") == expected


def test_now_and_due_are_compared_as_dates_on_the_customers_clock() -> None:
    # 23:30 UTC on New Year's Eve is already 1 January in Berlin, still 31 December in New York
    now = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    due = datetime(2027, 1, 1, 9, tzinfo=UTC)
    assert promise_phrase(due=due, now=now, timezone="Europe/Berlin") == "today by 10:00 CET"
    assert promise_phrase(due=due, now=now, timezone="America/New_York") == "tomorrow by 04:00 EST"


def test_a_target_already_past_is_phrased_with_its_date() -> None:
    due = at("Europe/Berlin", 2026, 11, 30, 16)
    assert promise_phrase(due=due, now=NOW, timezone="Europe/Berlin") == (
        "by Monday 30 November 16:00 CET"
    )


# --- the year boundary ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (at("Europe/Berlin", 2027, 1, 1, 9), "tomorrow by 09:00 CET"),
        (at("Europe/Berlin", 2027, 1, 4, 9), "by Monday 09:00 CET"),
        (at("Europe/Berlin", 2027, 1, 8, 9), "by Friday 8 January 2027 09:00 CET"),
    ],
)
def test_year_boundary(due: datetime, expected: str) -> None:
    now = at("Europe/Berlin", 2026, 12, 31, 20)
    assert promise_phrase(due=due, now=now, timezone="Europe/Berlin") == expected


def test_the_year_is_left_out_once_it_is_this_year() -> None:
    now = at("Europe/Berlin", 2027, 1, 2, 9)
    due = at("Europe/Berlin", 2027, 1, 20, 9)
    assert promise_phrase(due=due, now=now, timezone="Europe/Berlin") == (
        "by Wednesday 20 January 09:00 CET"
    )


# --- changes of offset ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "due", "expected"),
    [
        # a time the clock skips becomes the moment of the jump
        ("Europe/Berlin", at("Europe/Berlin", 2026, 3, 29, 1, 50), "2026-03-29T03:00:00+02:00"),
        ("Europe/Berlin", at("Europe/Berlin", 2026, 3, 29, 1, 45), "2026-03-29T01:45:00+01:00"),
        (
            "America/New_York",
            at("America/New_York", 2026, 3, 8, 1, 59),
            "2026-03-08T03:00:00-04:00",
        ),
        # Sao Paulo's old summer time started at midnight: 00:00 never showed on 4 November 2018
        (
            "America/Sao_Paulo",
            at("America/Sao_Paulo", 2018, 11, 3, 23, 50),
            "2018-11-04T01:00:00-02:00",
        ),
        # in the hour repeated when summer time ends, the promise keeps to due's pass
        ("Europe/Berlin", at("Europe/Berlin", 2026, 10, 25, 2, 20), "2026-10-25T02:30:00+02:00"),
        (
            "Europe/Berlin",
            at("Europe/Berlin", 2026, 10, 25, 2, 20, fold=1),
            "2026-10-25T02:30:00+01:00",
        ),
        # 02:50 rounds up to 03:00, which the clock shows only after repeating the hour
        ("Europe/Berlin", at("Europe/Berlin", 2026, 10, 25, 2, 50), "2026-10-25T03:00:00+01:00"),
        # Lord Howe moves its clocks by half an hour
        (
            "Australia/Lord_Howe",
            at("Australia/Lord_Howe", 2026, 10, 4, 1, 55),
            "2026-10-04T02:30:00+11:00",
        ),
    ],
)
def test_changes_of_offset(zone: str, due: datetime, expected: str) -> None:
    assert local_due(due, zone) == expected


def test_phrases_across_a_change_of_offset() -> None:
    now = at("Europe/Berlin", 2026, 10, 24, 18)  # Saturday, summer time
    monday = at("Europe/Berlin", 2026, 10, 26, 10)
    assert promise_phrase(due=monday, now=now, timezone="Europe/Berlin") == "by Monday 10:00 CET"
    skipped = at("Europe/Berlin", 2026, 3, 29, 1, 50)
    assert (
        promise_phrase(
            due=skipped, now=at("Europe/Berlin", 2026, 3, 28, 18), timezone="Europe/Berlin"
        )
        == "tomorrow by 03:00 CEST"
    )
    sao_paulo = at("America/Sao_Paulo", 2018, 11, 3, 23, 50)
    assert (
        promise_phrase(
            due=sao_paulo,
            now=at("America/Sao_Paulo", 2018, 11, 3, 12),
            timezone="America/Sao_Paulo",
        )
        == "tomorrow by 01:00 UTC-02:00"
    )


# --- languages -----------------------------------------------------------------------------------

PHRASES = {
    "en": [
        "today by 15:00 CET",
        "tomorrow by 10:00 CET",
        "by Thursday 10:00 CET",
        "by Tuesday 8 December 10:00 CET",
        "by Tuesday 5 January 2027 10:00 CET",
    ],
    "de": [
        "heute bis 15:00 CET",
        "morgen bis 10:00 CET",
        "bis Donnerstag, 10:00 CET",
        "bis Dienstag, 8. Dezember 10:00 CET",
        "bis Dienstag, 5. Januar 2027 10:00 CET",
    ],
    "fr": [
        "aujourd'hui avant 15:00 CET",
        "demain avant 10:00 CET",
        "avant jeudi 10:00 CET",
        "avant mardi 8 décembre 10:00 CET",
        "avant mardi 5 janvier 2027 10:00 CET",
    ],
    "es": [
        "hoy antes de las 15:00 CET",
        "mañana antes de las 10:00 CET",
        "antes del jueves a las 10:00 CET",
        "antes del martes 8 de diciembre a las 10:00 CET",
        "antes del martes 5 de enero de 2027 a las 10:00 CET",
    ],
}
BRANCH_DUES = [
    at("Europe/Berlin", 2026, 12, 1, 15),
    at("Europe/Berlin", 2026, 12, 2, 10),
    at("Europe/Berlin", 2026, 12, 3, 10),
    at("Europe/Berlin", 2026, 12, 8, 10),
    at("Europe/Berlin", 2027, 1, 5, 10),
]


@pytest.mark.parametrize("language", sorted(PHRASES))
def test_each_phrasing_in_each_language(language: str) -> None:
    phrases = [
        promise_phrase(due=due, now=NOW, timezone="Europe/Berlin", language=language)
        for due in BRANCH_DUES
    ]
    assert phrases == PHRASES[language]


def test_each_phrasing_in_japanese() -> None:
    """Japanese writes month and day with 月 and 日, the weekday's one-character name in
    brackets, the year first when it is not this year's, and the zone in full-width brackets:
    "まで" is "until", and the acknowledgement's sentence adds "に" ("by")."""
    phrases = [
        promise_phrase(due=due, now=NOW, timezone="Europe/Berlin", language="ja")
        for due in BRANCH_DUES
    ]
    assert phrases == [
        "本日15:00（CET）まで",
        "明日10:00（CET）まで",
        "木曜日の10:00（CET）まで",
        "12月8日（火）10:00（CET）まで",
        "2027年1月5日（火）10:00（CET）まで",
    ]
    tokyo = at("Asia/Tokyo", 2027, 1, 1, 0, 59)
    assert promise_phrase(due=tokyo, now=NOW, timezone="Asia/Tokyo", language="ja-JP") == (
        "2027年1月1日（金）01:00（JST）まで"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "by Friday 1 January 2027 01:00 CET"),
        ("de", "bis Freitag, 1. Januar 2027 01:00 CET"),
        ("fr", "avant vendredi 1er janvier 2027 01:00 CET"),
        ("es", "antes del viernes 1 de enero de 2027 a la 01:00 CET"),
    ],
)
def test_first_of_the_month_and_one_oclock(language: str, expected: str) -> None:
    due = at("Europe/Berlin", 2027, 1, 1, 0, 59)
    assert promise_phrase(due=due, now=NOW, timezone="Europe/Berlin", language=language) == (
        expected
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de-AT", "morgen bis 10:00 CET"),
        ("fr_CA", "demain avant 10:00 CET"),
        ("ES", "mañana antes de las 10:00 CET"),
        ("es-419", "mañana antes de las 10:00 CET"),
        ("pt", "tomorrow by 10:00 CET"),
        ("pt-BR", "tomorrow by 10:00 CET"),
        ("", "tomorrow by 10:00 CET"),
        ("english", "tomorrow by 10:00 CET"),
    ],
)
def test_language_tags_use_their_primary_subtag_else_english(language: str, expected: str) -> None:
    due = at("Europe/Berlin", 2026, 12, 2, 10)
    assert promise_phrase(due=due, now=NOW, timezone="Europe/Berlin", language=language) == (
        expected
    )


# --- inputs --------------------------------------------------------------------------------------


def test_promise_due_is_in_utc_and_accepts_any_aware_datetime() -> None:
    due = datetime(2026, 12, 1, 15, 1, tzinfo=timezone(timedelta(hours=5)))
    promised = promise_due(due=due, timezone="Asia/Kolkata")
    assert promised.tzinfo is UTC
    assert promised == datetime(2026, 12, 1, 10, 15, tzinfo=UTC)  # 15:45 IST


def test_naive_datetimes_are_rejected() -> None:
    naive = datetime(2026, 12, 1, 15)
    with pytest.raises(ValueError, match="due must be timezone-aware"):
        promise_due(due=naive, timezone="Europe/Berlin")
    with pytest.raises(ValueError, match="due must be timezone-aware"):
        promise_phrase(due=naive, now=NOW, timezone="Europe/Berlin")
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        promise_phrase(due=NOW, now=naive, timezone="Europe/Berlin")


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "CET+1", "../../etc/passwd", "Europe"])
def test_unknown_zones_are_rejected(zone: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        promise_due(due=NOW, timezone=zone)
    with pytest.raises(ValueError, match="unknown time zone"):
        promise_phrase(due=NOW, now=NOW, timezone=zone)


# --- properties ----------------------------------------------------------------------------------

ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",
    "America/St_Johns",  # -03:30, with summer time
    "Asia/Kolkata",
    "Asia/Kathmandu",  # moved from +05:30 to +05:45 in 1986
    "Asia/Tehran",
    "Australia/Adelaide",
    "Australia/Lord_Howe",  # summer time of half an hour
    "Pacific/Chatham",  # +12:45 and +13:45
    "UTC",
]
instants = st.datetimes(
    min_value=datetime(1970, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, *map(ZoneInfo, ZONES)]),
    allow_imaginary=False,
)


def oracle(due: datetime, zone: ZoneInfo) -> datetime:
    """Minute by minute: the first instant at or after `due` at which the local clock shows
    due's local time rounded up to a quarter hour, or later. Every offset these zones used since
    1970 is whole minutes, so that instant is a whole minute in UTC."""
    wall = due.astimezone(zone).replace(tzinfo=None)
    rounded = wall.replace(second=0, microsecond=0)
    if rounded < wall:
        rounded += MINUTE
    while rounded.minute % 15:
        rounded += MINUTE
    candidate = due.astimezone(UTC).replace(second=0, microsecond=0)
    while candidate < due or candidate.astimezone(zone).replace(tzinfo=None) < rounded:
        candidate += MINUTE
    return candidate


def check_promise(due: datetime, zone: str) -> None:
    promised = promise_due(due=due, timezone=zone)
    local = promised.astimezone(ZoneInfo(zone))
    assert promised >= due
    assert promised - due < QUARTER + HOUR  # at most a quarter hour, plus a skipped hour
    assert (local.minute % 15, local.second, local.microsecond) == (0, 0, 0)
    assert promised == oracle(due, ZoneInfo(zone))


@given(due=instants, zone=st.sampled_from(ZONES))
def test_the_promise_is_due_rounded_up_to_a_quarter_hour(due: datetime, zone: str) -> None:
    check_promise(due, zone)


# Days on which a zone's offset changes, forward and back; found to the minute below.
OFFSET_CHANGES = [
    ("Europe/Berlin", date(2026, 3, 29)),
    ("Europe/Berlin", date(2026, 10, 25)),
    ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
    ("America/Sao_Paulo", date(2018, 11, 4)),  # at midnight
    ("America/Sao_Paulo", date(2019, 2, 16)),
    ("America/St_Johns", date(2026, 3, 8)),
    ("America/St_Johns", date(2026, 11, 1)),
    ("Asia/Kathmandu", date(1986, 1, 1)),  # a quarter hour forward
    ("Asia/Tehran", date(2022, 3, 22)),
    ("Asia/Tehran", date(2022, 9, 21)),
    ("Australia/Lord_Howe", date(2026, 4, 5)),  # half an hour back
    ("Australia/Lord_Howe", date(2026, 10, 4)),  # half an hour forward
    ("Pacific/Chatham", date(2026, 4, 5)),
    ("Pacific/Chatham", date(2026, 9, 27)),
]


@cache
def offset_change(zone: str, day: date) -> datetime:
    """The first instant of the new offset, searched minute by minute around `day`."""
    tz = ZoneInfo(zone)
    instant = datetime.combine(day, time(), tzinfo=UTC) - timedelta(days=1)
    while (instant + MINUTE).astimezone(tz).utcoffset() == instant.astimezone(tz).utcoffset():
        instant += MINUTE
        assert instant.date() <= day + timedelta(days=1), f"no change in {zone} on {day}"
    return instant + MINUTE


@given(
    change=st.sampled_from(OFFSET_CHANGES),
    offset=st.timedeltas(min_value=-2 * HOUR, max_value=2 * HOUR),
)
def test_rounding_up_near_changes_of_offset(change: tuple[str, date], offset: timedelta) -> None:
    zone, day = change
    check_promise(offset_change(zone, day) + offset, zone)


@given(
    due=instants,
    now=instants,
    zone=st.sampled_from(ZONES),
    language=st.sampled_from(sorted(PHRASES)),
)
def test_the_phrase_states_the_promised_time(
    due: datetime, now: datetime, zone: str, language: str
) -> None:
    promised = promise_due(due=due, timezone=zone).astimezone(ZoneInfo(zone))
    today = now.astimezone(ZoneInfo(zone)).date()
    days = (promised.date() - today).days
    phrase = promise_phrase(due=due, now=now, timezone=zone, language=language)
    assert f"{promised:%H:%M} " in phrase
    first_word = phrase.split()[0]
    assert (first_word == PHRASES[language][0].split()[0]) == (days == 0)
    assert (first_word == PHRASES[language][1].split()[0]) == (days == 1)
    # the date is written out, with its year when that is not this one, from a week ahead on
    assert (str(promised.year) in phrase) == (not 0 <= days <= 6 and promised.year != today.year)
