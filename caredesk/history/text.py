"""Every kind of ticket event in plain words, naming what changed.

Pure: the caller says who the ids in an event's data are (`Names`) and in which time zone the
reader reads, so the same event reads right for every agent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any, Protocol

from caredesk.core.vocabulary import Priority, Status
from caredesk.history.kinds import By, EventKind


class Names(Protocol):
    """Who the ids in events are."""

    def agent(self, pk: int) -> str: ...

    def team(self, pk: int) -> str: ...


_TIMERS = {"first_reply": "first reply", "next_reply": "next reply", "resolution": "resolution"}


class _Reading:
    """One event as the reader reads it."""

    def __init__(
        self, data: Mapping[str, Any], actor_id: int | None, names: Names, zone: tzinfo
    ) -> None:
        self.data, self.names, self.zone = data, names, zone
        if actor_id is not None:
            self.who = names.agent(actor_id)
            if data.get("by") == By.MACRO:
                self.who = f"{self.who}'s template macro"
        else:
            by = data.get("by")
            self.who = By(by).label if by in By.values else "caredesk"

    def get(self, key: str, default: Any = "") -> Any:
        value = self.data.get(key)
        return default if value is None else value

    def agent(self, key: str) -> str | None:
        pk = self.data.get(key)
        return self.names.agent(pk) if isinstance(pk, int) else None

    def team(self, key: str) -> str | None:
        pk = self.data.get(key)
        return self.names.team(pk) if isinstance(pk, int) else None

    def status(self, key: str) -> str:
        value = self.get(key)
        return Status(value).label if value in Status.values else str(value)

    def priority(self, key: str) -> str:
        value = self.get(key)
        return Priority(value).label.lower() if value in Priority.values else str(value)

    def timer(self) -> str:
        kind = str(self.get("kind"))
        return _TIMERS.get(kind, kind.replace("_", " "))

    def due(self) -> str:
        value = self.data.get("due_at")
        if not isinstance(value, str):
            return ""
        try:
            moment = datetime.fromisoformat(value).astimezone(self.zone)
        except ValueError:
            return ""
        return f"{moment:%a} {moment.day} {moment:%b %H:%M %Z}".strip()

    def reason(self, key: str = "why") -> str:
        text = str(self.get(key)).strip()
        return f": {text}" if text else ""


def _hours(seconds: Any) -> str:
    if not isinstance(seconds, int):
        return "?"
    hours, rest = divmod(seconds // 60, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


def _created(r: _Reading) -> str:
    if r.data.get("split_from") is not None:
        return f"{r.who} opened it by splitting a message off #{r.get('split_from')}"
    if r.data.get("follow_up_of") is not None:
        return f"The customer's email opened it, following up closed #{r.get('follow_up_of')}"
    return "The customer's email opened it"


def _assigned(r: _Reading) -> str:
    assignee, previous = r.agent("assignee"), r.agent("previous")
    if assignee is None:
        return f"{r.who} unassigned it" + (f" (was {previous})" if previous else "")
    return f"{r.who} assigned it to {assignee}" + (f" (was {previous})" if previous else "")


def _priority(r: _Reading) -> str:
    was = f" (was {r.priority('previous')})" if r.data.get("previous") else ""
    return f"{r.who} set the priority to {r.priority('priority')}{was}{r.reason()}"


def _team(r: _Reading) -> str:
    team, previous = r.team("team"), r.team("previous")
    if team is None:
        return (
            f"{r.who} took it out of team {previous}" if previous else f"{r.who} cleared the team"
        )
    return f"{r.who} moved it to team {team}" + (f" (from {previous})" if previous else "")


def _category(r: _Reading) -> str:
    category, previous = str(r.get("category")), str(r.get("previous"))
    if not category:
        return f"{r.who} cleared the category" + (f" (was {previous})" if previous else "")
    return f"{r.who} set the category to {category}" + (f" (was {previous})" if previous else "")


def _delivery_failed(r: _Reading) -> str:
    attempts = r.get("attempts", 0)
    tries = f" after {attempts} attempt{'s' if attempts != 1 else ''}" if attempts else ""
    return f"An email could not be delivered{tries}{r.reason('error')}"


def _bounced(r: _Reading) -> str:
    kind = "permanently" if r.get("permanent", True) else "temporarily"
    return f"An email bounced {kind}{r.reason('diagnostic')}"


def _policy(r: _Reading) -> str:
    name = str(r.get("name"))
    return f"SLA policy {name} applies" if name else "No SLA policy applies any more"


def _fulfilled(r: _Reading) -> str:
    late = " late" if r.get("late", False) else ""
    return f"The {r.timer()} target was reached{late}"


def _cancelled(r: _Reading) -> str:
    if r.get("unanswered", False):
        return f"The {r.timer()} target was not met{r.reason()}"
    return f"The {r.timer()} timer was cancelled{r.reason()}"


def _breached(r: _Reading) -> str:
    actions = r.data.get("actions")
    done = []
    if isinstance(actions, Mapping):
        if actions.get("priority"):
            done.append(f"priority raised to {actions['priority']}")
        if isinstance(actions.get("team"), int):
            done.append(f"moved to team {r.names.team(actions['team'])}")
        if actions.get("tag"):
            done.append(f"tagged {actions['tag']}")
        if actions.get("notified"):
            done.append(f"{actions['notified']} supervisor(s) told")
    return f"The {r.timer()} target was missed" + (f"; {', '.join(done)}" if done else "")


def _due(r: _Reading) -> str:
    due = r.due()
    return f", due {due}" if due else ""


_TEXTS: dict[EventKind, Callable[[_Reading], str]] = {
    EventKind.CREATED: _created,
    EventKind.STATUS_CHANGED: lambda r: (
        f"{r.who} changed the status from {r.status('old')} to {r.status('new')}"
    ),
    EventKind.ASSIGNED: _assigned,
    EventKind.PRIORITY_SET: _priority,
    EventKind.TEAM_CHANGED: _team,
    EventKind.CATEGORY_CHANGED: _category,
    EventKind.TAG_ADDED: lambda r: f"{r.who} added the tag {r.get('tag')}",
    EventKind.TAG_REMOVED: lambda r: f"{r.who} removed the tag {r.get('tag')}",
    EventKind.NOTE_ADDED: lambda r: f"{r.who} added an internal note",
    EventKind.REPLIED: lambda r: f"{r.who} replied to the customer",
    EventKind.MERGED: lambda r: f"{r.who} merged #{r.get('source')} into this ticket{r.reason()}",
    EventKind.MERGED_INTO: lambda r: (
        f"{r.who} merged this ticket into #{r.get('into')}{r.reason()}"
    ),
    EventKind.SPLIT_INTO: lambda r: (
        f"{r.who} split a customer message off into #{r.get('into')}{r.reason('subject')}"
    ),
    EventKind.SPLIT_FROM: lambda r: (
        f"{r.who} split this ticket off #{r.get('source')}, moving the message here"
    ),
    EventKind.ACKNOWLEDGEMENT_SKIPPED: lambda r: f"No acknowledgement was sent{r.reason()}",
    EventKind.DELIVERY_FAILED: _delivery_failed,
    EventKind.DELIVERY_RETRIED: lambda r: f"{r.who} retried delivering an email",
    EventKind.BOUNCED: _bounced,
    EventKind.SLA_POLICY_APPLIED: _policy,
    EventKind.SLA_TIMER_STARTED: lambda r: (
        f"The {r.timer()} target started ({_hours(r.get('target_seconds'))} of business time"
        f"{_due(r)})"
    ),
    EventKind.SLA_TIMER_PAUSED: lambda r: (
        f"The {r.timer()} timer paused while the ticket is {r.status('status').lower()}"
    ),
    EventKind.SLA_TIMER_RESUMED: lambda r: f"The {r.timer()} timer resumed{_due(r)}",
    EventKind.SLA_TIMER_RETARGETED: lambda r: (
        f"The {r.timer()} target changed to {_hours(r.get('target_seconds'))} of business time"
        f"{_due(r)}"
    ),
    EventKind.SLA_TIMER_FULFILLED: _fulfilled,
    EventKind.SLA_TIMER_CANCELLED: _cancelled,
    EventKind.SLA_TIMER_WARNED: lambda r: f"The {r.timer()} target is due soon{_due(r)}",
    EventKind.SLA_TIMER_BREACHED: _breached,
}


def event_text(
    *, kind: str, data: Mapping[str, Any], actor_id: int | None, names: Names, zone: tzinfo
) -> str:
    """One sentence saying what happened, for the timeline, the history and the API."""
    reading = _Reading(data, actor_id, names, zone)
    if kind in EventKind.values:
        return _TEXTS[EventKind(kind)](reading)
    return f"{kind.replace('_', ' ').capitalize()} ({reading.who})"


def kinds_without_text() -> list[EventKind]:
    return [kind for kind in EventKind if kind not in _TEXTS]
