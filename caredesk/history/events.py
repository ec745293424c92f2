"""One keyword-only builder per kind of ticket event, so each event's data has one shape.

A builder returns an `Event`, a plain record; `caredesk.tickets` stores it as a `TicketEvent`
row and announces it to whatever attached to the "ticket changed" hook. Data refers to people
by id (agents, teams, customers), never by address or name, so erasing a customer's data never
has to rewrite history; free text that may quote an address (an agent's reason, a mail server's
diagnostic) has every address replaced by "[address]".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from caredesk.history.kinds import By, EventKind

_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+\.[^\s<>()\[\],;:\"']+")


class HasPk(Protocol):
    """A ticket as events see it: a row that has (or will have, once saved) a primary key."""

    @property
    def pk(self) -> Any: ...


@dataclass(frozen=True)
class Event:
    ticket: HasPk  # the ticket it happened to; may still be unsaved in an intake batch
    kind: EventKind
    data: Mapping[str, Any] = field(default_factory=dict)
    actor_id: int | None = None  # the agent who did it; None for the customer or caredesk

    def __post_init__(self) -> None:
        # Whatever a builder was given, no address reaches the stored history.
        object.__setattr__(self, "data", _scrubbed(self.data))


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return _ADDRESS.sub("[address]", value) if "@" in value else value
    if isinstance(value, Mapping):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value


F = TypeVar("F", bound=Callable[..., Event])
BUILDERS: dict[EventKind, Callable[..., Event]] = {}


def _builds(kind: EventKind) -> Callable[[F], F]:
    def register(builder: F) -> F:
        BUILDERS[kind] = builder
        return builder

    return register


def scrub(text: str, limit: int = 500) -> str:
    """Free text fit for an event: no email addresses, at most `limit` characters."""
    return _ADDRESS.sub("[address]", text)[:limit]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _by(by: By | None) -> dict[str, str]:
    return {"by": str(by)} if by is not None else {}


@_builds(EventKind.CREATED)
def created_event(
    *,
    ticket: HasPk,
    customer_id: int | None,
    actor_id: int | None = None,
    follow_up_of: int | None = None,
    split_from: int | None = None,
) -> Event:
    data: dict[str, Any] = {"customer": customer_id}
    if follow_up_of is not None:
        data["follow_up_of"] = follow_up_of
    if split_from is not None:
        data["split_from"] = split_from
    return Event(ticket, EventKind.CREATED, data, actor_id)


@_builds(EventKind.STATUS_CHANGED)
def status_changed_event(
    *, ticket: HasPk, old: str, new: str, actor_id: int | None = None, by: By | None = None
) -> Event:
    return Event(ticket, EventKind.STATUS_CHANGED, {"old": old, "new": new, **_by(by)}, actor_id)


@_builds(EventKind.ASSIGNED)
def assigned_event(
    *,
    ticket: HasPk,
    assignee_id: int | None,
    previous_id: int | None,
    actor_id: int | None = None,
    by: By | None = None,
) -> Event:
    data = {"assignee": assignee_id, "previous": previous_id, **_by(by)}
    return Event(ticket, EventKind.ASSIGNED, data, actor_id)


@_builds(EventKind.PRIORITY_SET)
def priority_set_event(
    *,
    ticket: HasPk,
    priority: str,
    previous: str | None,
    why: str,
    actor_id: int | None = None,
    by: By | None = None,
) -> Event:
    data = {"priority": priority, "previous": previous, "why": scrub(why), **_by(by)}
    return Event(ticket, EventKind.PRIORITY_SET, data, actor_id)


@_builds(EventKind.TEAM_CHANGED)
def team_changed_event(
    *,
    ticket: HasPk,
    team_id: int | None,
    previous_id: int | None,
    actor_id: int | None = None,
    by: By | None = None,
) -> Event:
    data = {"team": team_id, "previous": previous_id, **_by(by)}
    return Event(ticket, EventKind.TEAM_CHANGED, data, actor_id)


@_builds(EventKind.CATEGORY_CHANGED)
def category_changed_event(
    *,
    ticket: HasPk,
    category: str,
    previous: str,
    actor_id: int | None = None,
    by: By | None = None,
) -> Event:
    data = {"category": scrub(category, 100), "previous": scrub(previous, 100), **_by(by)}
    return Event(ticket, EventKind.CATEGORY_CHANGED, data, actor_id)


@_builds(EventKind.TAG_ADDED)
def tag_added_event(
    *, ticket: HasPk, tag: str, actor_id: int | None = None, by: By | None = None
) -> Event:
    return Event(ticket, EventKind.TAG_ADDED, {"tag": scrub(tag, 50), **_by(by)}, actor_id)


@_builds(EventKind.TAG_REMOVED)
def tag_removed_event(
    *, ticket: HasPk, tag: str, actor_id: int | None = None, by: By | None = None
) -> Event:
    return Event(ticket, EventKind.TAG_REMOVED, {"tag": scrub(tag, 50), **_by(by)}, actor_id)


@_builds(EventKind.NOTE_ADDED)
def note_added_event(*, ticket: HasPk, message_id: int, actor_id: int | None) -> Event:
    return Event(ticket, EventKind.NOTE_ADDED, {"message": message_id}, actor_id)


@_builds(EventKind.REPLIED)
def replied_event(*, ticket: HasPk, message_id: int, actor_id: int | None) -> Event:
    return Event(ticket, EventKind.REPLIED, {"message": message_id}, actor_id)


@_builds(EventKind.MERGED)
def merged_event(*, ticket: HasPk, source_id: int, why: str, actor_id: int | None) -> Event:
    return Event(ticket, EventKind.MERGED, {"source": source_id, "why": scrub(why)}, actor_id)


@_builds(EventKind.MERGED_INTO)
def merged_into_event(*, ticket: HasPk, into_id: int, why: str, actor_id: int | None) -> Event:
    return Event(ticket, EventKind.MERGED_INTO, {"into": into_id, "why": scrub(why)}, actor_id)


@_builds(EventKind.SPLIT_INTO)
def split_into_event(
    *, ticket: HasPk, into_id: int, message_id: int, subject: str, actor_id: int | None
) -> Event:
    data = {"into": into_id, "message": message_id, "subject": scrub(subject)}
    return Event(ticket, EventKind.SPLIT_INTO, data, actor_id)


@_builds(EventKind.SPLIT_FROM)
def split_from_event(
    *, ticket: HasPk, source_id: int, message_id: int, actor_id: int | None
) -> Event:
    data = {"source": source_id, "message": message_id}
    return Event(ticket, EventKind.SPLIT_FROM, data, actor_id)


@_builds(EventKind.ACKNOWLEDGEMENT_SKIPPED)
def acknowledgement_skipped_event(*, ticket: HasPk, why: str) -> Event:
    return Event(ticket, EventKind.ACKNOWLEDGEMENT_SKIPPED, {"why": scrub(why)})


@_builds(EventKind.DELIVERY_FAILED)
def delivery_failed_event(
    *, ticket: HasPk, outbound_id: int, recipients: int, error: str, attempts: int
) -> Event:
    data = {
        "outbound": outbound_id,
        "recipients": recipients,
        "error": scrub(error),
        "attempts": attempts,
    }
    return Event(ticket, EventKind.DELIVERY_FAILED, data)


@_builds(EventKind.DELIVERY_RETRIED)
def delivery_retried_event(*, ticket: HasPk, outbound_id: int, actor_id: int | None) -> Event:
    return Event(ticket, EventKind.DELIVERY_RETRIED, {"outbound": outbound_id}, actor_id)


@_builds(EventKind.BOUNCED)
def bounced_event(
    *, ticket: HasPk, outbound_id: int, recipients: int, diagnostic: str, permanent: bool
) -> Event:
    data = {
        "outbound": outbound_id,
        "recipients": recipients,
        "diagnostic": scrub(diagnostic),
        "permanent": permanent,
    }
    return Event(ticket, EventKind.BOUNCED, data)


@_builds(EventKind.SLA_POLICY_APPLIED)
def sla_policy_applied_event(
    *, ticket: HasPk, policy_id: int | None, name: str, previous_id: int | None
) -> Event:
    data = {"policy": policy_id, "name": scrub(name, 100), "previous": previous_id}
    return Event(ticket, EventKind.SLA_POLICY_APPLIED, data)


def _timer(timer_id: int | None, timer_kind: str) -> dict[str, Any]:
    return {"timer": timer_id, "kind": timer_kind}


@_builds(EventKind.SLA_TIMER_STARTED)
def sla_timer_started_event(
    *,
    ticket: HasPk,
    timer_id: int | None,
    timer_kind: str,
    policy_id: int,
    target_seconds: int,
    due_at: datetime | None,
) -> Event:
    data = {
        **_timer(timer_id, timer_kind),
        "policy": policy_id,
        "target_seconds": target_seconds,
        "due_at": _iso(due_at),
    }
    return Event(ticket, EventKind.SLA_TIMER_STARTED, data)


@_builds(EventKind.SLA_TIMER_PAUSED)
def sla_timer_paused_event(
    *, ticket: HasPk, timer_id: int | None, timer_kind: str, status: str, used_seconds: int
) -> Event:
    data = {**_timer(timer_id, timer_kind), "status": status, "used_seconds": used_seconds}
    return Event(ticket, EventKind.SLA_TIMER_PAUSED, data)


@_builds(EventKind.SLA_TIMER_RESUMED)
def sla_timer_resumed_event(
    *, ticket: HasPk, timer_id: int | None, timer_kind: str, due_at: datetime | None
) -> Event:
    data = {**_timer(timer_id, timer_kind), "due_at": _iso(due_at)}
    return Event(ticket, EventKind.SLA_TIMER_RESUMED, data)


@_builds(EventKind.SLA_TIMER_RETARGETED)
def sla_timer_retargeted_event(
    *,
    ticket: HasPk,
    timer_id: int | None,
    timer_kind: str,
    policy_id: int,
    target_seconds: int,
    due_at: datetime | None,
) -> Event:
    data = {
        **_timer(timer_id, timer_kind),
        "policy": policy_id,
        "target_seconds": target_seconds,
        "due_at": _iso(due_at),
    }
    return Event(ticket, EventKind.SLA_TIMER_RETARGETED, data)


@_builds(EventKind.SLA_TIMER_FULFILLED)
def sla_timer_fulfilled_event(
    *,
    ticket: HasPk,
    timer_id: int | None,
    timer_kind: str,
    used_seconds: int,
    target_seconds: int,
    late: bool,
) -> Event:
    data = {
        **_timer(timer_id, timer_kind),
        "used_seconds": used_seconds,
        "target_seconds": target_seconds,
        "late": late,
    }
    return Event(ticket, EventKind.SLA_TIMER_FULFILLED, data)


@_builds(EventKind.SLA_TIMER_CANCELLED)
def sla_timer_cancelled_event(
    *,
    ticket: HasPk,
    timer_id: int | None,
    timer_kind: str,
    why: str,
    used_seconds: int,
    target_seconds: int,
    unanswered: bool = False,
) -> Event:
    """`unanswered`: a reply target stopped because the ticket was solved or closed without
    any reply; it counts as not met."""
    data = {
        **_timer(timer_id, timer_kind),
        "why": scrub(why),
        "used_seconds": used_seconds,
        "target_seconds": target_seconds,
    }
    if unanswered:
        data["unanswered"] = True
    return Event(ticket, EventKind.SLA_TIMER_CANCELLED, data)


@_builds(EventKind.SLA_TIMER_WARNED)
def sla_timer_warned_event(
    *, ticket: HasPk, timer_id: int | None, timer_kind: str, due_at: datetime | None
) -> Event:
    data = {**_timer(timer_id, timer_kind), "due_at": _iso(due_at)}
    return Event(ticket, EventKind.SLA_TIMER_WARNED, data)


@dataclass(frozen=True)
class BreachActions:
    """What a policy did when a target was missed."""

    priority: str | None = None  # raised to
    team_id: int | None = None  # moved to
    tag: str | None = None  # added
    notified: int = 0  # supervisors told

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.priority is not None:
            data["priority"] = self.priority
        if self.team_id is not None:
            data["team"] = self.team_id
        if self.tag is not None:
            data["tag"] = scrub(self.tag, 50)
        if self.notified:
            data["notified"] = self.notified
        return data


@_builds(EventKind.SLA_TIMER_BREACHED)
def sla_timer_breached_event(
    *,
    ticket: HasPk,
    timer_id: int | None,
    timer_kind: str,
    due_at: datetime | None,
    actions: BreachActions,
) -> Event:
    data = {**_timer(timer_id, timer_kind), "due_at": _iso(due_at), "actions": actions.as_data()}
    return Event(ticket, EventKind.SLA_TIMER_BREACHED, data)


def kinds_without_builder() -> Sequence[EventKind]:
    return [kind for kind in EventKind if kind not in BUILDERS]
