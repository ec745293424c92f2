"""Warn about timers close to their target and act on those past it, exactly once each.

Several workers may sweep at the same time. Each locks the tickets it works on (skipping those
another worker or an agent holds; they wait for the next sweep), re-reads their timers under
that lock, and marks a timer warned or breached in the same transaction as the events, the
actions and the notifications it causes. A second sweep then no longer finds it due. Tickets
are always locked before their timers, as the services that change tickets do, so the two
never wait on each other in a circle.

Breach actions (a higher priority, another team, a tag) change the ticket through the same
service steps an agent's change uses (`caredesk.tickets.services`), recorded as done by the SLA
policy, and the whole sweep finishes as one batch of ticket changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from caredesk.accounts.models import Agent, Role
from caredesk.core import clock
from caredesk.core.bulk import rows_update
from caredesk.history.events import BreachActions, sla_timer_breached_event, sla_timer_warned_event
from caredesk.history.kinds import By
from caredesk.notifications.models import Notification
from caredesk.sla.book import SlaBook, sla_book_load
from caredesk.sla.models import SlaTimer, TimerState
from caredesk.sla.policies import Policy
from caredesk.sla.services import TICKET_SLA_FIELDS, Changes, ticket_sla_summarise, timers_of
from caredesk.tickets.changes import TicketChange, changes_finish
from caredesk.tickets.models import PRIORITY_RANK, Priority, Ticket
from caredesk.tickets.services import priority_apply, tags_apply, team_apply

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
    have = _tags_of(tickets)
    touched = Changes()  # the timers marked warned or breached
    changes: list[TicketChange] = []
    notifications: list[Notification] = []
    result = SweepResult()
    supervisors: list[Agent] | None = None
    for ticket in tickets:
        change = TicketChange(ticket)
        raised = False
        for timer in timers[ticket.pk]:
            if timer.state != TimerState.RUNNING:
                continue
            policy = policies.get(timer.policy_id) if timer.policy_id is not None else None
            if timer.breached_at is None and timer.due_at is not None and timer.due_at <= now:
                timer.breached_at = now
                timer.warned_at = timer.warned_at or now
                timer.warn_at = None
                actions = BreachActions()
                if policy is not None:
                    if supervisors is None and policy.breach_notify_supervisors:
                        supervisors = _supervisors()
                    actions = _breach_actions(
                        change,
                        timer,
                        policy,
                        supervisors or [],
                        notifications,
                        have[ticket.pk],
                        raise_priority=not raised,
                    )
                    raised |= policy.breach_raise_priority
                touched.touch(timer)
                change.record(
                    sla_timer_breached_event(
                        ticket=ticket,
                        timer_id=timer.pk,
                        timer_kind=timer.kind,
                        due_at=timer.due_at,
                        actions=actions,
                    )
                )
                result.breached += 1
            elif timer.warned_at is None and timer.warn_at is not None and timer.warn_at <= now:
                timer.warned_at = now
                timer.warn_at = None
                touched.touch(timer)
                change.record(
                    sla_timer_warned_event(
                        ticket=ticket, timer_id=timer.pk, timer_kind=timer.kind, due_at=timer.due_at
                    )
                )
                if policy is None or policy.warn_notify_assignee:
                    notifications += _notify_warned(ticket, timer)
                result.warned += 1
        ticket_sla_summarise(ticket, timers[ticket.pk])
        if change.sla and not any(p.priorities or p.teams or p.tags for p in book.policies):
            # Only a policy matching on priority, team or tags can come to apply after a breach
            # action; without one, the timers are right as marked above.
            change.sla = False
        changes.append(change)
    touched.write()
    Notification.objects.bulk_create(notifications)
    rows_update(list(tickets), ["priority", "team", "updated_at", *TICKET_SLA_FIELDS])
    changes_finish(changes, book=book, now=now, save_tickets=False)
    return result


def _breach_actions(
    change: TicketChange,
    timer: SlaTimer,
    policy: Policy,
    supervisors: Sequence[Agent],
    notifications: list[Notification],
    tags: set[str],
    *,
    raise_priority: bool,
) -> BreachActions:
    """Carry out the policy's breach actions on the ticket. The priority goes up one step per
    sweep, however many of the ticket's timers breach in it."""
    ticket = change.ticket
    label = _label(timer)
    raised_to = team_id = tag = None
    notified = 0
    if raise_priority and policy.breach_raise_priority and ticket.priority != Priority.URGENT:
        raised_to = next(
            p for p, r in PRIORITY_RANK.items() if r == PRIORITY_RANK[ticket.priority] + 1
        )
        why = f"{label} target breached"
        priority_apply(change, priority=raised_to, actor=None, reason=why, by=By.SLA)
    if policy.breach_team_id is not None and ticket.team_id != policy.breach_team_id:
        team_id = policy.breach_team_id
        team_apply(change, team_id=team_id, actor=None, by=By.SLA)
    if policy.breach_add_tag and policy.breach_add_tag not in tags:
        tag = policy.breach_add_tag
        tags_apply(change, have=tags, add=[tag], actor=None, by=By.SLA)
    if policy.breach_notify_supervisors and supervisors:
        text = f"{ticket.reference} missed its {label} target: {ticket.subject}"[:500]
        notifications += [
            Notification(agent=agent, ticket=ticket, kind="sla_breached", text=text)
            for agent in supervisors
        ]
        notified = len(supervisors)
    return BreachActions(priority=raised_to, team_id=team_id, tag=tag, notified=notified)


def _tags_of(tickets: Sequence[Ticket]) -> dict[int, set[str]]:
    have: dict[int, set[str]] = {t.pk: set() for t in tickets}
    for ticket_id, name in Ticket.tags.through.objects.filter(ticket_id__in=list(have)).values_list(
        "ticket_id", "tag__name"
    ):
        have[ticket_id].add(name)
    return have


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
