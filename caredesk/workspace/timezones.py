"""Times on every workspace page in the signed-in agent's own time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from caredesk.accounts.models import Agent


def agent_zone(agent: Agent) -> zoneinfo.ZoneInfo:
    """The agent's time zone; the desk's (then UTC) when theirs is unset or unknown."""
    for name in (agent.time_zone, settings.CAREDESK_TIME_ZONE):
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
            continue
    return zoneinfo.ZoneInfo("UTC")


class AgentTimeZoneMiddleware:
    """Templates' dates render in the signed-in agent's zone for the whole request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, Agent):
            timezone.activate(agent_zone(user))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def zone_choices(current: str = "") -> list[str]:
    """The time zones an agent chooses from: UTC, then every Area/City zone of the zoneinfo
    database in order (legacy aliases such as US/Eastern or EST5EDT left out, though still
    accepted), with `current` kept when it is one of those others."""
    names = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/")) and name[0].isupper()
    )
    choices = ["UTC", *names]
    if current and current not in choices:
        choices.insert(0, current)
    return choices


def language_choices() -> list[tuple[str, str]]:
    """The languages an agent chooses from, as (code, name): Django's list, by name."""
    return sorted(((code, str(name)) for code, name in settings.LANGUAGES), key=lambda c: c[1])
