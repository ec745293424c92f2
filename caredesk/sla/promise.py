"""When a person will reply, phrased for the acknowledgement email a customer gets.

Pure: no database, no settings, no clock. Instants going in must be timezone-aware.

The honesty rule
    A promise may be late, never early: the time we state is never before the reply target
    (`due`). The target is rounded up to the customer's next quarter hour on their own clock
    (15:00 stays 15:00, 15:01 becomes 15:15), so with offsets such as India's +05:30 or Nepal's
    +05:45 the customer still reads :00, :15, :30 or :45. Exactly: the promise is the first
    instant at or after `due` at which the customer's clock shows the rounded-up time or later.
    So a time the clock skips when summer time starts becomes the moment of the jump (due 01:50
    in Berlin that night is promised for 03:00 CEST); in the hour repeated when summer time
    ends, a promise inside the hour keeps to the pass `due` falls in, and 02:50 CEST rounds up
    to 03:00 CET, after the repeat, rather than back to 02:00 CET. `promise_due` returns that
    instant in UTC, so a caller can store exactly what the phrase says.

How it is phrased
    Relative to the customer's date today: "today by 15:00 CET", "tomorrow by 10:00 CET", the
    weekday for up to six days ahead ("by Tuesday 10:00 CET"), else the date ("by Tuesday 8
    December 10:00 CET", with the year when it is not this year's). A seventh day out would
    share today's weekday, so it gets the date. The zone is its abbreviation, or "UTC+05:30"
    where the zone database has only a number ("+0530"). Names come from the tables below, not
    from the process locale, so a server's locale cannot change what a customer reads.
    English, German, French, Spanish and Japanese ("明日10:00（CET）まで", "12月8日（火）
    10:00（CET）まで").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

# The calendar's own helpers, so a promise reads wall-clock times, gaps and zone names exactly
# as the SLA targets it phrases were computed.
from caredesk.sla.calendar import as_utc, first_instant, zone_named

_QUARTER = timedelta(minutes=15)


@dataclass(frozen=True)
class _Phrasing:
    """One language's words. Templates are filled with `time` (the clock and zone, in
    `time_form`), `weekday`, `short` (the weekday's short name, where a language writes one in
    dates), `day`, `month`, `year` (already in `year_form`, or empty) and `art` (Spanish:
    "la"/"las")."""

    weekdays: tuple[str, ...]  # Monday first
    months: tuple[str, ...]
    today: str
    tomorrow: str
    weekday: str
    date: str
    year_form: str
    first_day: str = "1"
    time_form: str = "{clock} {zone}"
    short_weekdays: tuple[str, ...] = ()


def _words(names: str) -> tuple[str, ...]:
    return tuple(names.split())


_PHRASINGS: dict[str, _Phrasing] = {
    "en": _Phrasing(
        weekdays=_words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday"),
        months=_words(
            "January February March April May June July August September October November December"
        ),
        today="today by {time}",
        tomorrow="tomorrow by {time}",
        weekday="by {weekday} {time}",
        date="by {weekday} {day} {month}{year} {time}",
        year_form=" {}",
    ),
    "de": _Phrasing(
        weekdays=_words("Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag"),
        months=_words(
            "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
        ),
        today="heute bis {time}",
        tomorrow="morgen bis {time}",
        weekday="bis {weekday}, {time}",
        date="bis {weekday}, {day}. {month}{year} {time}",
        year_form=" {}",
    ),
    "fr": _Phrasing(
        weekdays=_words("lundi mardi mercredi jeudi vendredi samedi dimanche"),
        months=_words(
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
        ),
        today="aujourd'hui avant {time}",
        tomorrow="demain avant {time}",
        weekday="avant {weekday} {time}",
        date="avant {weekday} {day} {month}{year} {time}",
        year_form=" {}",
        first_day="1er",  # French writes the first of the month as an ordinal
    ),
    "es": _Phrasing(
        weekdays=_words("lunes martes miércoles jueves viernes sábado domingo"),
        months=_words(
            "enero febrero marzo abril mayo junio"
            " julio agosto septiembre octubre noviembre diciembre"
        ),
        today="hoy antes de {art} {time}",
        tomorrow="mañana antes de {art} {time}",
        weekday="antes del {weekday} a {art} {time}",
        date="antes del {weekday} {day} de {month}{year} a {art} {time}",
        year_form=" de {}",
    ),
    # Japanese writes dates year-month-day with the weekday's one-character name in brackets
    # ("12月8日（火）"), the year first when it is not this year's ("2027年1月5日（火）"), and
    # the zone in full-width brackets after the 24-hour time. "まで" is "until"; the sentence
    # around it adds "に" ("までにご返信いたします": "will reply by").
    "ja": _Phrasing(
        weekdays=_words("月曜日 火曜日 水曜日 木曜日 金曜日 土曜日 日曜日"),
        short_weekdays=_words("月 火 水 木 金 土 日"),
        months=tuple(f"{n}月" for n in range(1, 13)),
        today="本日{time}まで",
        tomorrow="明日{time}まで",
        weekday="{weekday}の{time}まで",
        date="{year}{month}{day}日（{short}）{time}まで",
        year_form="{}年",
        time_form="{clock}（{zone}）",
    ),
}


def promise_due(*, due: datetime, timezone: str) -> datetime:
    """The instant, in UTC, that `promise_phrase` states for `due` in the IANA zone `timezone`:
    `due` rounded up to a quarter hour on the clock there (see the module docstring).

    Raises ValueError for a naive `due` or an unknown zone."""
    return _promise(as_utc(due, "due"), zone_named(timezone))


def promise_phrase(*, due: datetime, now: datetime, timezone: str, language: str = "en") -> str:
    """When a reply can be expected, e.g. "tomorrow by 10:00 CET", in `language` (a tag such as
    "de" or "de-AT"; English where the language is not one we write) on the clock of the IANA
    zone `timezone`, compared with `now`'s date there. Never earlier than `due`.

    Raises ValueError for a naive `due` or `now`, or an unknown zone."""
    zone = zone_named(timezone)
    promised = _promise(as_utc(due, "due"), zone).astimezone(zone)
    today = as_utc(now, "now").astimezone(zone).date()
    words = _PHRASINGS.get(language.replace("_", "-").split("-")[0].lower(), _PHRASINGS["en"])
    days = (promised.date() - today).days
    if days == 0:
        template = words.today
    elif days == 1:
        template = words.tomorrow
    elif 2 <= days <= 6:
        template = words.weekday
    else:  # a week or more ahead, or (for a target already past) the date it was
        template = words.date
    return template.format(
        time=words.time_form.format(clock=f"{promised:%H:%M}", zone=_zone_label(promised)),
        weekday=words.weekdays[promised.weekday()],
        short=(words.short_weekdays or words.weekdays)[promised.weekday()],
        day=words.first_day if promised.day == 1 else str(promised.day),
        month=words.months[promised.month - 1],
        year=words.year_form.format(promised.year) if promised.year != today.year else "",
        art="la" if promised.hour == 1 else "las",
    )


def _promise(due: datetime, zone: ZoneInfo) -> datetime:
    start = due
    while True:
        wall = _ceil_quarter(start.astimezone(zone).replace(tzinfo=None))
        promised = first_instant(wall, zone)  # a skipped time becomes the moment of the jump
        if promised < start:  # `start` is in the second pass of a repeated hour: stay in it
            promised = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
        if _on_quarter(promised.astimezone(zone).replace(tzinfo=None)):
            return promised
        # Only a jump that ends off the quarter hour (found in old history) gets here.
        start = promised


def _ceil_quarter(wall: datetime) -> datetime:
    floor = wall.replace(minute=wall.minute - wall.minute % 15, second=0, microsecond=0)
    return floor if floor == wall else floor + _QUARTER


def _on_quarter(wall: datetime) -> bool:
    return wall == _ceil_quarter(wall)


def _zone_label(local: datetime) -> str:
    """The zone's abbreviation, or its offset as "UTC+05:30" where the abbreviation is only
    a number ("+0530", "-03"), as the zone database gives for many zones."""
    name = local.strftime("%Z")
    if name and name[0] not in "+-":
        return name
    offset = local.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    minutes = round(abs(offset).total_seconds() / 60)
    sign = "-" if offset < timedelta(0) else "+"
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
