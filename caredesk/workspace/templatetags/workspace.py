from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def duration_words(seconds: int | None) -> str:
    """Business time as agents say it: "3 h 20 min", "45 min", "2 d 1 h" (of 24 h)."""
    if seconds is None:
        return ""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


TARGETS = {"first_reply": "first reply", "next_reply": "next reply", "resolution": "resolution"}


@register.filter
def target_label(kind: str | None) -> str:
    return TARGETS.get(kind or "", kind or "")


@register.filter
def thousands(number: int) -> str:
    """12345 as "12,345"."""
    return f"{number:,}"
