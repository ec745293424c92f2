"""How the workspace shows what caredesk read in a customer's message (caredesk.language)."""

from __future__ import annotations

from django import template

from caredesk.language.detect import language_name as _language_name
from caredesk.language.upset import LABELS, Upset

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    return _language_name(code)


@register.filter
def percent(share: float | None) -> str:
    """ "98%" for 0.98; rounded down so 0.996 never reads as a certain 100%."""
    if share is None:
        return ""
    return f"{min(int(share * 100), 99)}%"


@register.filter
def upset_label(level: int) -> str:
    """ "Upset" for 2."""
    return LABELS[Upset(level)].capitalize() if 0 <= level <= max(Upset) else ""
