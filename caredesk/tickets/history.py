"""A ticket's history as agents read it: every event in plain words, naming who and what."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from caredesk.accounts.models import Agent, Team
from caredesk.history.text import event_text
from caredesk.tickets.models import TicketEvent


@dataclass(frozen=True)
class NameBook:
    """Who the ids in some events are (agents and teams), read in two queries."""

    agents: Mapping[int, str]
    teams: Mapping[int, str]

    def agent(self, pk: int) -> str:
        return self.agents.get(pk, "a former agent")

    def team(self, pk: int) -> str:
        return self.teams.get(pk, "a team since removed")


def _ids(data: Mapping[str, Any], *keys: str) -> set[int]:
    return {v for k in keys if isinstance(v := data.get(k), int)}


def event_names(events: Iterable[TicketEvent]) -> NameBook:
    agents: set[int] = set()
    teams: set[int] = set()
    for event in events:
        data = event.data or {}
        if event.actor_id is not None:
            agents.add(event.actor_id)
        if event.kind == "assigned":
            agents |= _ids(data, "assignee", "previous")
        elif event.kind == "team_changed":
            teams |= _ids(data, "team", "previous")
        elif event.kind == "sla_timer_breached" and isinstance(data.get("actions"), Mapping):
            teams |= _ids(data["actions"], "team")
    return NameBook(
        agents=dict(Agent.objects.filter(pk__in=agents).values_list("pk", "name"))
        if agents
        else {},
        teams=dict(Team.objects.filter(pk__in=teams).values_list("pk", "name")) if teams else {},
    )


def events_described(
    events: Sequence[TicketEvent], *, zone: tzinfo, names: NameBook | None = None
) -> dict[int, str]:
    """Each event's sentence, by event pk, with times in `zone` (the reader's)."""
    names = names or event_names(events)
    return {
        e.pk: event_text(
            kind=e.kind, data=e.data or {}, actor_id=e.actor_id, names=names, zone=zone
        )
        for e in events
    }
