"""How the templates pages say their figures: a median time to solve, a reopen rate."""

from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """Clock time, rounded to what a reader compares: "45 min", "3 h 20 min", "2 d 4 h"."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() + 30) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


@register.filter
def percent(rate: float | None) -> str:
    """0.25 as "25%"; "—" when there is nothing to count."""
    return "—" if rate is None else f"{round(rate * 100)}%"
