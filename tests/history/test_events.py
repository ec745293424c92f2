"""The event model: one builder and one plain-words rendering per kind, people by id only."""

from __future__ import annotations

import inspect
import json
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from caredesk.history.events import BUILDERS, BreachActions, Event, kinds_without_builder, scrub
from caredesk.history.kinds import By, EventKind
from caredesk.history.text import event_text, kinds_without_text

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


class Row:
    pk = 7


class Names:
    def agent(self, pk: int) -> str:
        return {1: "Ann Agent", 2: "Bob Boss"}.get(pk, "a former agent")

    def team(self, pk: int) -> str:
        return {3: "Billing", 4: "Technical"}.get(pk, "a team since removed")


def test_every_kind_has_a_builder_and_a_rendering() -> None:
    assert kinds_without_builder() == []
    assert kinds_without_text() == []
    for kind, builder in BUILDERS.items():
        params = inspect.signature(builder).parameters.values()
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params), kind


def _value(name: str, annotation: Any, text: str) -> Any:
    """A plausible argument for a builder parameter; every free-text one carries `text`."""
    hint = str(annotation)
    if name == "ticket":
        return Row()
    if name == "actions":
        return BreachActions(priority="high", team_id=3, tag=text, notified=2)
    if name == "by":
        return By.SLA
    if "datetime" in hint:
        return datetime(2026, 12, 4, 16, 0, tzinfo=UTC)
    if "bool" in hint:
        return True
    if "int" in hint:
        return 3
    if name in ("old", "new", "status"):
        return "open"
    if name in ("priority", "previous") and "str" in hint and "int" not in hint:
        return "high" if name == "priority" else text
    if name == "timer_kind":
        return "first_reply"
    return text


free_text = st.text(max_size=40).map(lambda s: f"{s} write to jane.doe+x@example.net {s}")


@given(text=free_text)
def test_no_builder_keeps_an_email_address_in_its_data(text: str) -> None:
    for kind, builder in BUILDERS.items():
        params = inspect.signature(builder).parameters
        event = builder(**{n: _value(n, p.annotation, text) for n, p in params.items()})
        assert isinstance(event, Event) and event.kind == kind
        assert not ADDRESS.search(json.dumps(dict(event.data))), (kind, event.data)


@given(text=st.text(max_size=200))
def test_scrub_removes_any_address_and_caps_the_length(text: str) -> None:
    cleaned = scrub(f"{text} <jane@example.net> {text}", limit=120)
    assert "jane@example.net" not in cleaned and len(cleaned) <= 120


def say(
    kind: EventKind, data: dict[str, Any], actor_id: int | None = None, zone: str = "UTC"
) -> str:
    return event_text(kind=kind, data=data, actor_id=actor_id, names=Names(), zone=ZoneInfo(zone))


def test_changes_read_as_plain_sentences_naming_what_changed() -> None:
    assert say(EventKind.ASSIGNED, {"assignee": 1, "previous": None}, 2) == (
        "Bob Boss assigned it to Ann Agent"
    )
    assert say(EventKind.ASSIGNED, {"assignee": None, "previous": 1}, 1) == (
        "Ann Agent unassigned it (was Ann Agent)"
    )
    assert say(EventKind.TEAM_CHANGED, {"team": 3, "previous": 4}, 1) == (
        "Ann Agent moved it to team Billing (from Technical)"
    )
    assert say(EventKind.TEAM_CHANGED, {"team": 9, "previous": None, "by": "sla"}) == (
        "The SLA policy moved it to team a team since removed"
    )
    assert say(EventKind.CATEGORY_CHANGED, {"category": "Refund > Duplicate charge"}, 1) == (
        "Ann Agent set the category to Refund > Duplicate charge"
    )
    assert say(EventKind.STATUS_CHANGED, {"old": "pending", "new": "open", "by": "customer"}) == (
        "The customer changed the status from Pending (waiting on customer) to Open"
    )
    assert say(
        EventKind.PRIORITY_SET,
        {"priority": "urgent", "why": 'outage: "is down"', "by": "detection"},
    ) == ('Priority detection set the priority to urgent: outage: "is down"')
    assert say(EventKind.SPLIT_INTO, {"into": 7, "subject": "Login"}, 1) == (
        "Ann Agent split a customer message off into #7: Login"
    )
    assert say(EventKind.SPLIT_FROM, {"source": 3}, 1) == (
        "Ann Agent split this ticket off #3, moving the message here"
    )


def test_sla_events_name_the_target_and_say_due_times_in_the_readers_zone() -> None:
    started = {
        "kind": "first_reply",
        "target_seconds": 8 * 3600,
        "due_at": "2026-12-04T16:00:00+00:00",
    }
    assert say(EventKind.SLA_TIMER_STARTED, started, zone="Europe/Berlin") == (
        "The first reply target started (8 h of business time, due Fri 4 Dec 17:00 CET)"
    )
    assert say(EventKind.SLA_TIMER_PAUSED, {"kind": "resolution", "status": "pending"}) == (
        "The resolution timer paused while the ticket is pending (waiting on customer)"
    )
    breached = {"kind": "first_reply", "actions": {"priority": "high", "team": 3, "notified": 2}}
    assert say(EventKind.SLA_TIMER_BREACHED, breached) == (
        "The first reply target was missed; priority raised to high, moved to team Billing, "
        "2 supervisor(s) told"
    )
    assert say(EventKind.SLA_TIMER_FULFILLED, {"kind": "first_reply", "late": True}) == (
        "The first reply target was reached late"
    )


def test_an_unknown_or_old_kind_still_reads() -> None:
    assert (
        event_text(
            kind="something_new", data={}, actor_id=None, names=Names(), zone=ZoneInfo("UTC")
        )
        == "Something new (caredesk)"
    )
