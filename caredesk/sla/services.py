"""Keep a ticket's SLA timers in step with what happens to it.

Every change to a ticket that can matter (created by an email, a customer writing, an agent
replying, status, priority, team, category or tags changed) ends with `sla_tickets_update`,
from email processing, the API, the UI and the sweep alike. It works on many tickets at once
with a fixed handful of queries, which is what email batches need.

The rules, where the issue left them open, follow what support teams know from Zendesk:
- the first policy (in order) that matches the ticket now applies; when another one comes to
  apply, running timers keep the business time they used and take the new targets;
- a new ticket from a customer starts first-reply and resolution timers; a customer message
  after an agent's reply starts a next-reply timer; an agent's reply fulfils the reply timer;
- pending and on-hold pause every timer, open resumes them; solving fulfils resolution and
  cancels a reply timer nobody answered (solved without a reply owes none); reopening resumes
  resolution where it stopped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from caredesk.core import clock
from caredesk.core.bulk import rows_update
from caredesk.sla.book import SlaBook, sla_book_load
from caredesk.sla.models import ACTIVE_STATES, SlaTimer, TimerKind, TimerState
from caredesk.sla.policies import Policy, TicketFacts
from caredesk.sla.timers import (
    timer_late,
    timer_pause,
    timer_run,
    timer_schedule,
    timer_stop,
    timer_used,
)
from caredesk.tickets.models import SlaState, Status, Ticket, TicketEvent

REPLY_KINDS = (TimerKind.FIRST_REPLY, TimerKind.NEXT_REPLY)
TIMER_FIELDS = [
    "policy",
    "calendar",
    "state",
    "target_seconds",
    "warn_percent",
    "used_seconds",
    "running_since",
    "due_at",
    "warn_at",
    "warned_at",
    "breached_at",
    "stopped_at",
]
TICKET_SLA_FIELDS = ["sla_policy", "sla_due_at", "sla_state"]


@dataclass(frozen=True)
class Happened:
    """What just happened to a ticket, besides what its fields say now."""

    created: bool = False  # a customer's email opened it
    customer_wrote: bool = False  # a customer's message on it (not the one that opened it)
    agent_replied: bool = False
    # The customer message a reply was owed for left the ticket (split off into another one),
    # and nothing else on it waits for a reply: the reply timer is cancelled, neither met nor
    # missed.
    reply_withdrawn: bool = False


@dataclass(frozen=True)
class ReplyPromise:
    due: datetime
    timezone: str  # the zone of the calendar the target counts in


@dataclass
class Changes:
    """Timers and events to write, collected over many tickets."""

    new: list[SlaTimer] = field(default_factory=list)
    changed: dict[int, SlaTimer] = field(default_factory=dict)
    events: list[tuple[Ticket, str, SlaTimer | None, dict[str, Any]]] = field(default_factory=list)

    def touch(self, timer: SlaTimer) -> None:
        if timer.pk is not None:
            self.changed[timer.pk] = timer

    def event(self, ticket: Ticket, kind: str, timer: SlaTimer | None = None, **data: Any) -> None:
        self.events.append((ticket, kind, timer, data))

    def write(self) -> None:
        SlaTimer.objects.bulk_create(self.new)
        rows_update(list(self.changed.values()), TIMER_FIELDS)
        TicketEvent.objects.bulk_create(
            [
                TicketEvent(ticket=ticket, kind=kind, data=_event_data(timer, data))
                for ticket, kind, timer, data in self.events
            ]
        )


def _event_data(timer: SlaTimer | None, data: dict[str, Any]) -> dict[str, Any]:
    if timer is None:
        return data
    return {"timer": timer.pk, "kind": timer.kind, **data}


def sla_tickets_update(
    *,
    tickets: Sequence[Ticket],
    happened: Mapping[int, Happened] | None = None,
    book: SlaBook | None = None,
    now: datetime | None = None,
) -> dict[int, ReplyPromise]:
    """Start, pause, resume, fulfil or retarget the timers of saved `tickets` to match their
    current fields and what `happened` (by ticket pk), and write the result.

    Returns, by ticket pk, when a person is due to reply on the tickets waiting for one."""
    plan = sla_tickets_plan(tickets=tickets, happened=happened, book=book, now=now)
    plan.write()
    return plan.promises


@dataclass
class SlaPlan:
    """What `sla_tickets_update` would write, for callers that write it later (after their own
    events, so a ticket's log reads "created" before "SLA timer started")."""

    tickets: list[Ticket]
    changes: Changes
    promises: dict[int, ReplyPromise]

    def write(self) -> None:
        self.changes.write()
        rows_update(self.tickets, TICKET_SLA_FIELDS)


def sla_tickets_plan(
    *,
    tickets: Sequence[Ticket],
    happened: Mapping[int, Happened] | None = None,
    book: SlaBook | None = None,
    now: datetime | None = None,
) -> SlaPlan:
    """Work out `sla_tickets_update` in memory (reading, never writing)."""
    saved = [t for t in tickets if t.pk is not None]
    changes = Changes()
    if not saved:
        return SlaPlan([], changes, {})
    book = book or sla_book_load()
    now = now or clock.now()
    facts = tickets_facts(saved)
    timers = timers_of([t.pk for t in saved])
    promises = {}
    for ticket in saved:
        what = (happened or {}).get(ticket.pk, Happened())
        _update(ticket, facts[ticket.pk], timers[ticket.pk], what, book, now, changes)
        for timer in timers[ticket.pk]:
            if timer.kind in REPLY_KINDS and timer.state == TimerState.RUNNING and timer.due_at:
                calendar = book.calendars[timer.calendar_id]
                promises[ticket.pk] = ReplyPromise(timer.due_at, calendar.timezone)
    return SlaPlan(saved, changes, promises)


def tickets_facts(tickets: Sequence[Ticket]) -> dict[int, TicketFacts]:
    """What SLA policies match on, for saved tickets: two queries however many."""
    ids = [t.pk for t in tickets]
    tags: dict[int, set[str]] = defaultdict(set)
    for ticket_id, name in Ticket.tags.through.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "tag__name"
    ):
        tags[ticket_id].add(name.lower())
    customers = {
        pk: (tier or org_tier or "", org)
        for pk, tier, org, org_tier in Ticket.objects.filter(pk__in=ids).values_list(
            "pk", "customer__tier", "customer__organisation_id", "customer__organisation__tier"
        )
    }
    return {
        t.pk: TicketFacts(
            priority=t.priority,
            mailbox_id=t.mailbox_id,
            team_id=t.team_id,
            category=t.category,
            tags=frozenset(tags[t.pk]),
            organisation_id=customers.get(t.pk, ("", None))[1],
            tier=customers.get(t.pk, ("", None))[0],
        )
        for t in tickets
    }


def timers_of(ticket_ids: Sequence[int]) -> dict[int, list[SlaTimer]]:
    found: dict[int, list[SlaTimer]] = defaultdict(list)
    for timer in SlaTimer.objects.filter(ticket_id__in=ticket_ids).order_by("created_at", "pk"):
        found[timer.ticket_id].append(timer)
    return found


def _update(
    ticket: Ticket,
    facts: TicketFacts,
    timers: list[SlaTimer],
    happened: Happened,
    book: SlaBook,
    now: datetime,
    changes: Changes,
) -> None:
    if ticket.merged_into_id is not None:
        for timer in timers:
            if timer.state in ACTIVE_STATES:
                _stop(ticket, timer, book, now, changes, TimerState.CANCELLED, why="merged")
        ticket_sla_summarise(ticket, timers)
        return
    policy = book.policy_for(facts)
    policy_id = policy.id if policy is not None else None
    if ticket.sla_policy_id != policy_id:
        changes.event(
            ticket,
            "sla_policy_applied",
            policy=policy_id,
            name=policy.name if policy is not None else "",
            previous=ticket.sla_policy_id,
        )
        ticket.sla_policy_id = policy_id
    active = {t.kind: t for t in timers if t.state in ACTIVE_STATES}
    for timer in list(active.values()):
        if not _follow_policy(timer, policy, facts, book, now, changes, ticket):
            del active[timer.kind]

    if happened.agent_replied:
        for kind in REPLY_KINDS:
            if kind in active:
                _stop(ticket, active.pop(kind), book, now, changes, TimerState.FULFILLED)
    elif happened.reply_withdrawn:
        for kind in REPLY_KINDS:
            if kind in active:
                stop = TimerState.CANCELLED
                _stop(ticket, active.pop(kind), book, now, changes, stop, why="message split off")

    status = ticket.status
    if policy is not None and status != Status.CLOSED:
        calendar_id = book.calendar_id_for(policy, facts)
        waiting = (happened.created or happened.customer_wrote) and not happened.agent_replied
        if waiting and not any(kind in active for kind in REPLY_KINDS):
            answered = any(
                t.kind in REPLY_KINDS and t.state == TimerState.FULFILLED for t in timers
            )
            kind = TimerKind.NEXT_REPLY if answered else TimerKind.FIRST_REPLY
            started = _start(ticket, kind, policy, calendar_id, book, now, changes)
            if started is not None:
                active[kind] = started
                timers.append(started)
        if TimerKind.RESOLUTION not in active and status != Status.SOLVED:
            previous = [t for t in timers if t.kind == TimerKind.RESOLUTION]
            arrived = happened.created or happened.customer_wrote
            if previous and previous[-1].state == TimerState.FULFILLED:
                reopened = previous[-1]
                timer_run(reopened, book.calendars[reopened.calendar_id], now)
                changes.touch(reopened)
                changes.event(ticket, "sla_timer_resumed", reopened, due_at=_iso(reopened.due_at))
                active[TimerKind.RESOLUTION] = reopened
            elif not previous and arrived:
                kind = TimerKind.RESOLUTION
                started = _start(ticket, kind, policy, calendar_id, book, now, changes)
                if started is not None:
                    active[kind] = started
                    timers.append(started)

    for timer in list(active.values()):
        calendar = book.calendars[timer.calendar_id]
        if status in (Status.PENDING, Status.ON_HOLD):
            if timer.state == TimerState.RUNNING:
                timer_pause(timer, calendar, now)
                changes.touch(timer)
                changes.event(
                    ticket,
                    "sla_timer_paused",
                    timer,
                    status=status,
                    used_seconds=timer.used_seconds,
                )
        elif status in (Status.SOLVED, Status.CLOSED):
            state = (
                TimerState.FULFILLED if timer.kind == TimerKind.RESOLUTION else TimerState.CANCELLED
            )
            _stop(ticket, timer, book, now, changes, state, why=f"ticket {status}")
        elif timer.state == TimerState.PAUSED:
            timer_run(timer, calendar, now)
            changes.touch(timer)
            changes.event(ticket, "sla_timer_resumed", timer, due_at=_iso(timer.due_at))
    ticket_sla_summarise(ticket, timers)


def _follow_policy(
    timer: SlaTimer,
    policy: Policy | None,
    facts: TicketFacts,
    book: SlaBook,
    now: datetime,
    changes: Changes,
    ticket: Ticket,
) -> bool:
    """Bring an active timer under the policy that applies now; False if it was cancelled."""
    minutes = policy.targets.get(timer.kind) if policy is not None else None
    if policy is None or minutes is None:
        _stop(ticket, timer, book, now, changes, TimerState.CANCELLED, why="no target applies")
        return False
    calendar_id = book.calendar_id_for(policy, facts)
    target = minutes * 60
    same = (
        timer.policy_id == policy.id
        and timer.calendar_id == calendar_id
        and timer.target_seconds == target
        and timer.warn_percent == policy.warn_percent
    )
    if same:
        return True
    if timer.state == TimerState.RUNNING:
        timer.used_seconds = timer_used(timer, book.calendars[timer.calendar_id], now)
        timer.running_since = now
    timer.policy_id, timer.calendar_id = policy.id, calendar_id
    timer.target_seconds, timer.warn_percent = target, policy.warn_percent
    if timer.state == TimerState.RUNNING:
        timer_schedule(timer, book.calendars[calendar_id])
    changes.touch(timer)
    changes.event(
        ticket,
        "sla_timer_retargeted",
        timer,
        policy=policy.id,
        target_seconds=target,
        due_at=_iso(timer.due_at),
    )
    return True


def _start(
    ticket: Ticket,
    kind: str,
    policy: Policy,
    calendar_id: int,
    book: SlaBook,
    now: datetime,
    changes: Changes,
) -> SlaTimer | None:
    minutes = policy.targets.get(kind)
    if minutes is None:
        return None
    timer = SlaTimer(
        ticket=ticket,
        policy_id=policy.id,
        calendar_id=calendar_id,
        kind=kind,
        target_seconds=minutes * 60,
        warn_percent=policy.warn_percent,
        created_at=now,
    )
    timer_run(timer, book.calendars[calendar_id], now)
    changes.new.append(timer)
    changes.event(
        ticket,
        "sla_timer_started",
        timer,
        policy=policy.id,
        target_seconds=timer.target_seconds,
        due_at=_iso(timer.due_at),
    )
    return timer


def _stop(
    ticket: Ticket,
    timer: SlaTimer,
    book: SlaBook,
    now: datetime,
    changes: Changes,
    state: str,
    *,
    why: str = "",
) -> None:
    timer_stop(timer, book.calendars[timer.calendar_id], now, state=state)
    changes.touch(timer)
    data: dict[str, Any] = {
        "used_seconds": timer.used_seconds,
        "target_seconds": timer.target_seconds,
    }
    if state == TimerState.FULFILLED:
        data["late"] = timer_late(timer)
        changes.event(ticket, "sla_timer_fulfilled", timer, **data)
    else:
        changes.event(ticket, "sla_timer_cancelled", timer, why=why, **data)


def ticket_sla_summarise(ticket: Ticket, timers: Sequence[SlaTimer]) -> None:
    """Set the ticket's SLA fields (in memory) from its timers: what inbox rows show."""
    running = [t for t in timers if t.state == TimerState.RUNNING]
    active = [t for t in timers if t.state in ACTIVE_STATES]
    dues = [t.due_at for t in running if t.due_at is not None]
    ticket.sla_due_at = min(dues) if dues else None
    if any(t.breached_at is not None for t in active):
        ticket.sla_state = SlaState.BREACHED
    elif any(t.warned_at is not None for t in running):
        ticket.sla_state = SlaState.WARNING
    elif running:
        ticket.sla_state = SlaState.OK
    elif active:
        ticket.sla_state = SlaState.PAUSED
    elif timers:
        stopped = [t for t in timers if t.state == TimerState.FULFILLED]
        late = any(timer_late(t) for t in stopped)
        ticket.sla_state = SlaState.BREACHED if late else SlaState.MET
    else:
        ticket.sla_state = SlaState.NONE


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
