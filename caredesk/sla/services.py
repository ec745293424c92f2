"""Keep a ticket's SLA timers in step with what happens to it.

Every change to a ticket that can matter (created by an email, a customer writing, an agent
replying, status, priority, team, category or tags changed) ends with one `sla_plan` over the
tickets it changed, which `caredesk.tickets` runs for email processing, the API, the UI and
the sweep alike. It works on many tickets at once with a fixed handful of queries, which is
what email batches need. This module knows tickets only by the fields it reads and keeps
(`SlaTicket`) and the facts policies match on; the events it returns are recorded by
`caredesk.tickets`, which is the only writer of a ticket's history.

The rules, where the issue left them open, follow what support teams know from Zendesk:
- the first policy (in order) that matches the ticket now applies; when another one comes to
  apply, running timers keep the business time they used and take the new targets;
- a new ticket from a customer starts first-reply and resolution timers; a customer message
  after an agent's reply starts a next-reply timer; an agent's reply fulfils the reply timer;
- pending and on-hold pause every timer, open resumes them; solving fulfils resolution and
  cancels a next-reply timer (the customer's last word is often a thank-you); reopening resumes
  resolution where it stopped;
- solving or closing a ticket nobody replied to stops its first-reply target as *unanswered*:
  not met, whatever time it used (solving is not answering). Reopening resumes it where it
  stopped, so a solve undone at once costs nothing; a reply then fulfils it as usual.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from caredesk.core import clock
from caredesk.core.bulk import rows_update
from caredesk.core.vocabulary import Status
from caredesk.history.events import (
    Event,
    sla_policy_applied_event,
    sla_timer_cancelled_event,
    sla_timer_fulfilled_event,
    sla_timer_paused_event,
    sla_timer_resumed_event,
    sla_timer_retargeted_event,
    sla_timer_started_event,
)
from caredesk.sla.book import SlaBook, sla_book_load
from caredesk.sla.models import ACTIVE_STATES, SlaState, SlaTimer, TimerKind, TimerState
from caredesk.sla.policies import Policy, TicketFacts
from caredesk.sla.timers import (
    timer_late,
    timer_pause,
    timer_run,
    timer_schedule,
    timer_stop,
    timer_used,
)


class SlaTicket(Protocol):
    """What SLA timers read and keep of a ticket (a `caredesk.tickets` Ticket row)."""

    pk: Any
    status: str
    merged_into_id: int | None
    sla_policy_id: int | None
    sla_due_at: datetime | None
    sla_state: str


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
    """Timers to write and the events they cause, collected over many tickets."""

    new: list[SlaTimer] = field(default_factory=list)
    changed: dict[int, SlaTimer] = field(default_factory=dict)
    # Built once the new timers have their ids, so every event names its timer.
    events: list[Callable[[], Event]] = field(default_factory=list)

    def touch(self, timer: SlaTimer) -> None:
        if timer.pk is not None:
            self.changed[timer.pk] = timer

    def event(self, build: Callable[[], Event]) -> None:
        self.events.append(build)

    def write(self) -> list[Event]:
        """Save the timers; returns the events, for the caller to record on the tickets."""
        SlaTimer.objects.bulk_create(self.new)
        rows_update(list(self.changed.values()), TIMER_FIELDS)
        return [build() for build in self.events]


@dataclass
class SlaPlan:
    """What the timers of some tickets must become; `write` saves it."""

    tickets: list[SlaTicket]
    changes: Changes
    promises: dict[int, ReplyPromise]

    def write(self) -> list[Event]:
        """Save the timers and the tickets' SLA fields; returns the events the changes cause,
        which the caller records on the tickets (after its own, so a ticket's log reads
        "opened" before "SLA target started")."""
        events = self.changes.write()
        # SlaTicket describes Ticket rows, which the SLA engine may not import.
        rows_update(self.tickets, TICKET_SLA_FIELDS)  # type: ignore[arg-type]
        return events


def sla_plan(
    *,
    tickets: Sequence[SlaTicket],
    facts: Mapping[int, TicketFacts],
    happened: Mapping[int, Happened] | None = None,
    book: SlaBook | None = None,
    now: datetime | None = None,
) -> SlaPlan:
    """Start, pause, resume, fulfil or retarget the timers of saved `tickets` to match their
    current fields (`facts`, by ticket pk, is what policies match on) and what `happened`,
    in memory: reads, never writes. `promises` says, by ticket pk, when a person is due to
    reply on the tickets waiting for one."""
    saved = [t for t in tickets if t.pk is not None]
    changes = Changes()
    if not saved:
        return SlaPlan([], changes, {})
    book = book or sla_book_load()
    now = now or clock.now()
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


def timers_of(ticket_ids: Sequence[int]) -> dict[int, list[SlaTimer]]:
    found: dict[int, list[SlaTimer]] = defaultdict(list)
    for timer in SlaTimer.objects.filter(ticket_id__in=ticket_ids).order_by("created_at", "pk"):
        found[timer.ticket_id].append(timer)
    return found


def _update(
    ticket: SlaTicket,
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
            _bind(
                sla_policy_applied_event,
                ticket=ticket,
                policy_id=policy_id,
                name=policy.name if policy is not None else "",
                previous_id=ticket.sla_policy_id,
            )
        )
        ticket.sla_policy_id = policy_id
    active = {t.kind: t for t in timers if t.state in ACTIVE_STATES}
    status = ticket.status
    # Reopened after a solve nobody had replied to: the first reply is still owed, from where
    # it stopped.
    if status not in (Status.SOLVED, Status.CLOSED) and not any(k in active for k in REPLY_KINDS):
        last_reply = [t for t in timers if t.kind in REPLY_KINDS]
        if last_reply and last_reply[-1].state == TimerState.UNANSWERED:
            unanswered = last_reply[-1]
            timer_run(unanswered, book.calendars[unanswered.calendar_id], now)
            changes.touch(unanswered)
            changes.event(_resumed(ticket, unanswered))
            active[unanswered.kind] = unanswered
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
                changes.event(_resumed(ticket, reopened))
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
                    _bind(
                        sla_timer_paused_event,
                        ticket=ticket,
                        timer=timer,
                        status=status,
                        used_seconds=timer.used_seconds,
                    )
                )
        elif status in (Status.SOLVED, Status.CLOSED):
            if timer.kind == TimerKind.RESOLUTION:
                _stop(ticket, timer, book, now, changes, TimerState.FULFILLED)
            elif timer.kind == TimerKind.FIRST_REPLY:
                why = f"{status} without a reply"
                _stop(ticket, timer, book, now, changes, TimerState.UNANSWERED, why=why)
            else:
                _stop(
                    ticket, timer, book, now, changes, TimerState.CANCELLED, why=f"ticket {status}"
                )
        elif timer.state == TimerState.PAUSED:
            timer_run(timer, calendar, now)
            changes.touch(timer)
            changes.event(_resumed(ticket, timer))
    ticket_sla_summarise(ticket, timers)


def _follow_policy(
    timer: SlaTimer,
    policy: Policy | None,
    facts: TicketFacts,
    book: SlaBook,
    now: datetime,
    changes: Changes,
    ticket: SlaTicket,
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
        _bind(
            sla_timer_retargeted_event,
            ticket=ticket,
            timer=timer,
            policy_id=policy.id,
            target_seconds=target,
            due_at=timer.due_at,
        )
    )
    return True


def _start(
    ticket: SlaTicket,
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
        ticket_id=ticket.pk,
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
        _bind(
            sla_timer_started_event,
            ticket=ticket,
            timer=timer,
            policy_id=policy.id,
            target_seconds=timer.target_seconds,
            due_at=timer.due_at,
        )
    )
    return timer


def _stop(
    ticket: SlaTicket,
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
    used, target = timer.used_seconds, timer.target_seconds
    if state == TimerState.FULFILLED:
        late = timer_late(timer)
        changes.event(
            _bind(
                sla_timer_fulfilled_event,
                ticket=ticket,
                timer=timer,
                used_seconds=used,
                target_seconds=target,
                late=late,
            )
        )
    else:
        changes.event(
            _bind(
                sla_timer_cancelled_event,
                ticket=ticket,
                timer=timer,
                why=why,
                used_seconds=used,
                target_seconds=target,
                unanswered=state == TimerState.UNANSWERED,
            )
        )


def _bind(
    builder: Callable[..., Event], *, timer: SlaTimer | None = None, **data: Any
) -> Callable[[], Event]:
    """The event `builder` makes of `data`, built when asked (once `timer` has its id)."""
    if timer is None:
        return lambda: builder(**data)
    return lambda: builder(timer_id=timer.pk, timer_kind=timer.kind, **data)


def _resumed(ticket: SlaTicket, timer: SlaTimer) -> Callable[[], Event]:
    return _bind(sla_timer_resumed_event, ticket=ticket, timer=timer, due_at=timer.due_at)


def ticket_sla_summarise(ticket: SlaTicket, timers: Sequence[SlaTimer]) -> None:
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
        # Met only when every target that stopped was reached in time: one stopped unanswered
        # (solved without a reply) is not met.
        stopped = [t for t in timers if t.state == TimerState.FULFILLED]
        late = any(timer_late(t) for t in stopped)
        unanswered = any(t.state == TimerState.UNANSWERED for t in timers)
        ticket.sla_state = SlaState.BREACHED if late or unanswered else SlaState.MET
    else:
        ticket.sla_state = SlaState.NONE
