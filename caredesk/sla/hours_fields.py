"""Form fields for a calendar's opening hours as a grid of days and times, not JSON.

Each field turns what the admin typed into the JSON a calendar stores (`Calendar`'s docstring)
and back. Every input has a name of its own (`weekly_hours-0-1-start`: Monday's second range's
start), so the grid works without JavaScript: each day shows its ranges and an empty slot more
than it has, and a day or a range more appears after saving. The little same-origin script
(`sla/hours.js`) only adds a slot at once.

What is wrong is said in words naming the day ("Monday: the end 09:00 is before the start
17:00"); overlaps and the like are the calendar's own checks (`calendar_build`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from caredesk.sla.calendar import WEEKDAYS

SLOTS = 2  # range slots a day shows at least (one more than it has, when it has more)
EMPTY_ROWS = 2  # empty special days and closed days shown below the filled ones
MAX_INDEX = 50  # how far the fields look for inputs the script added

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.h]?(\d{2}))?(?::00)?\s*$")
_MIDNIGHT = re.compile(r"^\s*24(?:[:.h]?00)?\s*$")
Json = Any  # what a JSONField holds


@dataclass
class RawRange:
    """One open-close range as typed (strings), before it is checked."""

    start: str = ""
    end: str = ""
    overnight: bool = False

    @property
    def empty(self) -> bool:
        return not self.start.strip() and not self.end.strip()


@dataclass
class RawDay:
    """A weekday's row (no date) or a special day's row, as typed."""

    date: str = ""
    all_day: bool = False
    ranges: list[RawRange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.date.strip() and not self.all_day and all(r.empty for r in self.ranges)


def time_text(text: str, where: str) -> str:
    """`text` ("9", "9:00", "0900", "17.30") as "HH:MM"; ValidationError saying why not."""
    found = _TIME.match(text)
    hours, minutes = (int(found[1]), int(found[2] or 0)) if found else (-1, -1)
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise ValidationError(f"{where}: “{text.strip()}” is not a time like 09:00")
    return f"{hours:02d}:{minutes:02d}"


def date_text(text: str, where: str = "") -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        said = f"“{text.strip()}” is not a date like 2026-12-24"
        raise ValidationError(f"{where}: {said}" if where else said) from None


def ranges_json(day: RawDay, where: str) -> list[list[str]] | str | None:
    """A row's hours as stored (`[["09:00", "17:00"], ...]`, `"all day"`), None when closed."""
    filled = [r for r in day.ranges if not r.empty]
    if day.all_day:
        if filled:
            raise ValidationError(f"{where}: open all day, or give hours, not both")
        return "all day"
    pairs = []
    for r in filled:
        if not r.start.strip():
            raise ValidationError(f"{where}: the range until {r.end.strip()} needs a start")
        if not r.end.strip():
            raise ValidationError(f"{where}: the range from {r.start.strip()} needs an end")
        start, overnight = time_text(r.start, where), r.overnight
        if _MIDNIGHT.match(r.end):  # "until 24:00" is until midnight, which ends the day
            end, overnight = "00:00", True
        else:
            end = time_text(r.end, where)
        if start == end == "00:00":
            raise ValidationError(f"{where}: for the whole day, tick “all day”")
        if start == end:
            raise ValidationError(f"{where}: the range starts and ends at {start}")
        if end < start and not overnight:
            raise ValidationError(
                f"{where}: the end {end} is before the start {start} (tick “past midnight” "
                "for hours that run into the next day)"
            )
        pairs.append([start, end])
    return sorted(pairs) or None


def raw_ranges(value: Json) -> tuple[bool, list[RawRange]]:
    """Stored hours (as `ranges_json` writes them) as a row shows them: all day, ranges."""
    if value == "all day":
        return True, []
    ranges = []
    for pair in value if isinstance(value, list) else []:
        if isinstance(pair, list | tuple) and len(pair) == 2:
            start, end = str(pair[0]), str(pair[1])
            ranges.append(RawRange(start, end, overnight=end <= start))
    return False, ranges


class DayHoursWidget(forms.Widget):
    """Rows of days, each with an "all day" box and open-close ranges; `dated` rows (special
    days) start with a date input, the others are Monday to Sunday."""

    template_name = "sla/widgets/day_hours.html"

    class Media:
        css = {"all": ["sla/hours.css"]}
        js = ["sla/hours.js"]

    def __init__(self, *, dated: bool, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.dated = dated

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> list[RawDay]:
        rows = range(MAX_INDEX) if self.dated else range(7)
        days = []
        for row in rows:
            prefix = f"{name}-{row}"
            if self.dated and f"{prefix}-date" not in data:
                continue
            ranges = [
                RawRange(
                    start=str(data.get(f"{prefix}-{i}-start", "")),
                    end=str(data.get(f"{prefix}-{i}-end", "")),
                    overnight=bool(data.get(f"{prefix}-{i}-overnight")),
                )
                for i in range(MAX_INDEX)
                if f"{prefix}-{i}-start" in data or f"{prefix}-{i}-end" in data
            ]
            days.append(
                RawDay(
                    date=str(data.get(f"{prefix}-date", "")),
                    all_day=bool(data.get(f"{prefix}-all_day")),
                    ranges=ranges,
                )
            )
        return days

    def value_omitted_from_data(self, data: Mapping[str, Any], files: Any, name: str) -> bool:
        # Unticked boxes and a grid left empty send nothing, and mean "closed".
        return False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        days: list[RawDay] = value if isinstance(value, list) else []
        if self.dated:
            days = [d for d in days if not d.empty] + [RawDay() for _ in range(EMPTY_ROWS)]
        else:
            days = (days + [RawDay() for _ in range(7)])[:7]
        rows = []
        for index, day in enumerate(days):
            prefix = f"{name}-{index}"
            label = day.date if self.dated else WEEKDAYS[index]
            shown = [r for r in day.ranges if not r.empty]
            shown += [RawRange() for _ in range(max(SLOTS - len(shown), 1))]
            rows.append(
                {
                    "prefix": prefix,
                    "label": label or "new day",
                    "weekday": "" if self.dated else WEEKDAYS[index],
                    "date": day.date,
                    "all_day": day.all_day,
                    "slots": [
                        {"prefix": f"{prefix}-{i}", "number": i + 1, "range": r}
                        for i, r in enumerate(shown)
                    ],
                    "next_slot": len(shown),
                }
            )
        context["widget"].update({"rows": rows, "dated": self.dated, "next_row": len(rows)})
        return context


class WeeklyHoursField(forms.Field):
    """Monday to Sunday as rows; stored as {"0": [["09:00", "17:00"]], ...}, closed days left
    out."""

    widget = DayHoursWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DayHoursWidget(dated=False))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return value  # what was typed, shown again
        stored = value if isinstance(value, dict) else {}
        days = []
        for day in range(7):
            all_day, ranges = raw_ranges(stored.get(str(day)))
            days.append(RawDay(all_day=all_day, ranges=ranges))
        return days

    def to_python(self, value: Any) -> dict[str, Json]:
        if isinstance(value, dict):
            return value
        errors = []
        weekly: dict[str, Json] = {}
        for day, raw in enumerate(value or []):
            try:
                hours = ranges_json(raw, WEEKDAYS[day])
            except ValidationError as exc:
                errors.append(exc)
                continue
            if hours is not None:
                weekly[str(day)] = hours
        if errors:
            raise ValidationError(errors)
        return weekly


class SpecialDaysField(forms.Field):
    """Dates that open with hours of their own; stored as {"2026-12-27": [["10:00", "14:00"]]}."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DayHoursWidget(dated=True))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return value
        stored = value if isinstance(value, dict) else {}
        days = []
        for day, hours in sorted(stored.items()):
            all_day, ranges = raw_ranges(hours)
            days.append(RawDay(date=str(day), all_day=all_day, ranges=ranges))
        return days

    def to_python(self, value: Any) -> dict[str, Json]:
        if isinstance(value, dict):
            return value
        errors = []
        special: dict[str, Json] = {}
        for raw in value or []:
            if raw.empty:
                continue
            try:
                if not raw.date.strip():
                    raise ValidationError("a special day’s hours need its date")
                day = date_text(raw.date)
                if day in special:
                    raise ValidationError(f"{day} is listed twice")
                hours = ranges_json(raw, day)
                if hours is None:
                    raise ValidationError(
                        f"{day}: give its opening hours or tick “all day” (a day closed all day "
                        "is a closed day)"
                    )
                special[day] = hours
            except ValidationError as exc:
                errors.append(exc)
        if errors:
            raise ValidationError(errors)
        return dict(sorted(special.items()))


class DateListWidget(forms.Widget):
    """Date inputs, one a line: the filled ones and a few empty ones."""

    template_name = "sla/widgets/date_list.html"

    class Media:
        css = {"all": ["sla/hours.css"]}
        js = ["sla/hours.js"]

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> list[str]:
        return [str(data[f"{name}-{i}"]) for i in range(MAX_INDEX * 4) if f"{name}-{i}" in data]

    def value_omitted_from_data(self, data: Mapping[str, Any], files: Any, name: str) -> bool:
        return False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        days = [d for d in (value if isinstance(value, list) else []) if str(d).strip()]
        days += [""] * EMPTY_ROWS
        context["widget"]["days"] = [
            {"name": f"{name}-{i}", "value": d, "number": i + 1} for i, d in enumerate(days)
        ]
        context["widget"]["next_row"] = len(days)
        return context


class ClosedDaysField(forms.Field):
    """Dates closed all day besides the public holidays; stored as ["2026-12-24", ...]."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateListWidget())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return [str(d) for d in value] if isinstance(value, list) else []

    def to_python(self, value: Any) -> list[str]:
        errors, days = [], set()
        for text in value or []:
            if not str(text).strip():
                continue
            try:
                days.add(date_text(str(text)))
            except ValidationError as exc:
                errors.append(exc)
        if errors:
            raise ValidationError(errors)
        return sorted(days)
