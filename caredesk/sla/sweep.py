"""Warn about timers close to their target and act on those past it, exactly once each.

Several workers may sweep at the same time. Each locks the tickets it works on (skipping those
another worker or an agent holds; they wait for the next sweep), re-reads their timers under
that lock, and marks a timer warned or breached in the same transaction as the events, the
actions and the notifications it causes. A second sweep then no longer finds it due. Tickets
are always locked before their timers, as the services that change tickets do, so the two
never wait on each other in a circle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from caredesk.accounts.models import Agent, Role
from caredesk.core import clock
from caredesk.core.bulk import rows_update
from caredesk.notifications.models import Notification
from caredesk.sla.book import SlaBook, sla_book_load
from caredesk.sla.models import SlaTimer, TimerState
from caredesk.sla.policies import Policy
from caredesk.sla.services import (
    TICKET_SLA_FIELDS,
    Changes,
    sla_tickets_update,
    ticket_sla_summarise,
    timers_of,
)
from caredesk.tickets.models import Priority, Tag, Ticket
from caredesk.tickets.priority import RANK

SWEEP_BATCH = 500
CANDIDATES = 4


@dataclass
class SweepResult:
    warned: int = 0
    breached: int = 0

    @property
    def total(self) -> int:
        return self.warned + self.breached


def sla_sweep(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> SweepResult:
    """One pass over up to `limit` tickets with a timer due to warn or breach at `now`."""
    now = now or clock.now()
    # More candidates than one pass takes, so a worker that finds the first ones locked by
    # another still gets a share of the rest.
    ids = _due_ticket_ids(now, CANDIDATES * limit)
    if not ids:
        return SweepResult()
    with transaction.atomic():
        tickets = list(
            Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("assignee")
            .filter(pk__in=ids)
            .order_by("pk")[:limit]
        )
        if not tickets:
            return SweepResult()
        return _sweep(tickets, sla_book_load(), now)


def sla_sweep_all(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> SweepResult:
    """Sweep until nothing is due (the periodic task)."""
    total = SweepResult()
    while True:
        done = sla_sweep(now=now, limit=limit)
        if not done.total:
            return total
        total.warned += done.warned
        total.breached += done.breached


def _due_ticket_ids(now: datetime, limit: int) -> list[int]:
    # Two queries, each an index range scan over its partial index (see SlaTimer.Meta).
    running = SlaTimer.objects.filter(state=TimerState.RUNNING)
    breaching = running.filter(breached_at__isnull=True, due_at__lte=now).order_by("due_at")
    warning = running.filter(warned_at__isnull=True, warn_at__lte=now).order_by("warn_at")
    ids = list(breaching.values_list("ticket_id", flat=True)[:limit])
    ids += warning.values_list("ticket_id", flat=True)[:limit]
    return sorted(set(ids))


def _sweep(tickets: Sequence[Ticket], book: SlaBook, now: datetime) -> SweepResult:
    policies = {p.id: p for p in book.policies}
    timers = timers_of([t.pk for t in tickets])
    tags = Tags(tickets)
    changes = Changes()
    notifications: list[Notification] = []
    acted: list[Ticket] = []
    result = SweepResult()
    supervisors: list[Agent] | None = None
    for ticket in tickets:
        changed_fields = False
        raised = False
        for timer in timers[ticket.pk]:
            if timer.state != TimerState.RUNNING:
                continue
            policy = policies.get(timer.policy_id) if timer.policy_id is not None else None
            if timer.breached_at is None and timer.due_at is not None and timer.due_at <= now:
                timer.breached_at = now
                timer.warned_at = timer.warned_at or now
                timer.warn_at = None
                actions: list[str] = []
                if policy is not None:
                    if supervisors is None and policy.breach_notify_supervisors:
                        supervisors = _supervisors()
                    changed_fields |= _breach_actions(
                        ticket,
                        timer,
                        policy,
                        supervisors or [],
                        actions,
                        notifications,
                        changes,
                        tags,
                        raise_priority=not raised,
                    )
                    raised |= policy.breach_raise_priority
                changes.touch(timer)
                changes.event(
                    ticket,
                    "sla_timer_breached",
                    timer,
                    due_at=timer.due_at.isoformat(),
                    actions=actions,
                )
                result.breached += 1
            elif timer.warned_at is None and timer.warn_at is not None and timer.warn_at <= now:
                timer.warned_at = now
                timer.warn_at = None
                changes.touch(timer)
                changes.event(ticket, "sla_timer_warned", timer, due_at=_iso(timer.due_at))
                if policy is None or policy.warn_notify_assignee:
                    notifications += _notify_warned(ticket, timer)
                result.warned += 1
        ticket_sla_summarise(ticket, timers[ticket.pk])
        if changed_fields:
            acted.append(ticket)
    changes.write()
    tags.write()
    Notification.objects.bulk_create(notifications)
    rows_update(list(tickets), ["priority", "team", *TICKET_SLA_FIELDS])
    if acted and any(p.priorities or p.teams or p.tags for p in book.policies):
        # A breach action may bring another policy to apply (a higher priority, a new team).
        sla_tickets_update(tickets=acted, book=book, now=now)
    return result


def _breach_actions(
    ticket: Ticket,
    timer: SlaTimer,
    policy: Policy,
    supervisors: Sequence[Agent],
    actions: list[str],
    notifications: list[Notification],
    changes: Changes,
    tags: Tags,
    *,
    raise_priority: bool,
) -> bool:
    """Carry out the policy's breach actions; True if a field policies match on changed. The
    priority goes up one step per sweep, however many of the ticket's timers breach in it."""
    changed = False
    label = _label(timer)
    if raise_priority and policy.breach_raise_priority and ticket.priority != Priority.URGENT:
        raised = next(p for p, rank in RANK.items() if rank == RANK[ticket.priority] + 1)
        changes.event(
            ticket,
            "priority_set",
            priority=raised,
            previous=ticket.priority,
            why=f"{label} target breached",
            by="sla",
        )
        ticket.priority = raised
        actions.append(f"priority raised to {raised}")
        changed = True
    if policy.breach_team_id is not None and ticket.team_id != policy.breach_team_id:
        changes.event(
            ticket, "team_changed", team=policy.breach_team_id, previous=ticket.team_id, by="sla"
        )
        ticket.team_id = policy.breach_team_id
        actions.append(f"moved to team {policy.breach_team_id}")
        changed = True
    if policy.breach_add_tag and tags.add(ticket, policy.breach_add_tag):
        changes.event(ticket, "tag_added", tag=policy.breach_add_tag, by="sla")
        actions.append(f"tagged {policy.breach_add_tag}")
        changed = True
    if policy.breach_notify_supervisors and supervisors:
        text = f"{ticket.reference} missed its {label} target: {ticket.subject}"[:500]
        notifications += [
            Notification(agent=agent, ticket=ticket, kind="sla_breached", text=text)
            for agent in supervisors
        ]
        actions.append(f"notified {len(supervisors)} supervisor(s)")
    return changed


class Tags:
    """Tags breach actions add to the swept tickets, written with one INSERT at the end."""

    def __init__(self, tickets: Sequence[Ticket]) -> None:
        self._have: set[tuple[int, str]] = set(
            Ticket.tags.through.objects.filter(ticket_id__in=[t.pk for t in tickets]).values_list(
                "ticket_id", "tag__name"
            )
        )
        self._new: list[tuple[int, str]] = []

    def add(self, ticket: Ticket, name: str) -> bool:
        """Whether the tag is new on the ticket."""
        if (ticket.pk, name) in self._have:
            return False
        self._have.add((ticket.pk, name))
        self._new.append((ticket.pk, name))
        return True

    def write(self) -> None:
        if not self._new:
            return
        names = {name for _, name in self._new}
        for name in names - set(Tag.objects.filter(name__in=names).values_list("name", flat=True)):
            Tag.objects.get_or_create(name=name)
        ids = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
        through = Ticket.tags.through
        through.objects.bulk_create(
            [through(ticket_id=ticket, tag_id=ids[name]) for ticket, name in self._new],
            ignore_conflicts=True,
        )


def _notify_warned(ticket: Ticket, timer: SlaTimer) -> list[Notification]:
    if ticket.assignee is None or not ticket.assignee.is_active:
        return []
    due = f"{timer.due_at:%a %H:%M} UTC" if timer.due_at is not None else "soon"
    text = f"{ticket.reference} is due for its {_label(timer)} by {due}: {ticket.subject}"
    return [Notification(agent=ticket.assignee, ticket=ticket, kind="sla_warning", text=text[:500])]


def _supervisors() -> list[Agent]:
    """Supervisors are told of breaches; a team without any tells its admins instead."""
    active = Agent.objects.filter(is_active=True)
    found = list(active.filter(role=Role.SUPERVISOR))
    return found or list(active.filter(role=Role.ADMIN))


def _label(timer: SlaTimer) -> str:
    return timer.get_kind_display().lower()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
