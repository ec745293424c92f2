from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from caredesk.accounts.models import Agent
from caredesk.core import clock, downloads
from caredesk.outbound.formatting import formatted_html
from caredesk.workspace.timezones import agent_zone

register = template.Library()


@register.filter
def reply_formatted(text: str) -> SafeString:
    """An agent's reply as the customer's email shows it: our light formatting rendered, then
    cleaned by nh3 against the allow-list (so it is safe to put in the page as it is)."""
    return mark_safe(formatted_html(text or ""))  # escaped, then cleaned by nh3


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def business_time(seconds: int | None) -> str:
    """Business time said as such, never as clock time: "8 business hours", "3 h 20 min of
    business time", "45 business minutes". (A 24-business-hour target is three working days
    of 8 hours, not "1 d": the due time beside it says when that is.)"""
    if seconds is None:
        return ""
    minutes_in_all = (abs(int(seconds)) + 30) // 60  # to the nearest minute
    hours, minutes = divmod(minutes_in_all, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min of business time"
    if hours:
        return f"{hours} business hour{'' if hours == 1 else 's'}"
    return f"{minutes} business minute{'' if minutes == 1 else 's'}"


TARGETS = {"first_reply": "first reply", "next_reply": "next reply", "resolution": "resolution"}


@register.filter
def target_label(kind: str | None) -> str:
    return TARGETS.get(kind or "", kind or "")


@register.filter
def thousands(number: int) -> str:
    """12345 as "12,345"."""
    return f"{number:,}"


def _zone(context: template.Context) -> tzinfo:
    """The reader's zone: the page's `zone`, else the signed-in agent's, else the active one."""
    zone = context.get("zone")
    if isinstance(zone, tzinfo):
        return zone
    request = context.get("request")
    user = getattr(request, "user", None)
    if isinstance(user, Agent):
        return agent_zone(user)
    return timezone.get_current_timezone()


@register.simple_tag(takes_context=True)
def when(context: template.Context, moment: datetime | None, style: str = "D j M H:i") -> str:
    """A moment in the reader's time zone: `style` (Django's date format) as the text, and in
    full, with the zone named, as the title, so a time is never ambiguous."""
    if moment is None:
        return ""
    zone = _zone(context)
    local = moment.astimezone(zone)
    name = getattr(zone, "key", str(zone))
    full = f"{dateformat.format(local, 'l j F Y, H:i')} {local.tzname()} ({name})"
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        full,
        dateformat.format(local, style),
    )


@register.filter
def is_picture(content_type: str) -> bool:
    """An attachment the page shows as a picture (the download view checks its bytes)."""
    return downloads.is_picture(content_type)


@register.simple_tag(takes_context=True)
def zone_label(context: template.Context) -> str:
    """The reader's zone as they would name it: "Europe/Berlin (CET)", or just "UTC"."""
    zone = _zone(context)
    name = getattr(zone, "key", str(zone))
    abbreviation = clock.now().astimezone(zone).tzname() or ""
    return name if abbreviation in ("", name) else f"{name} ({abbreviation})"
