"""Changes to many tickets at once from the inbox: assign, set a status, add a tag, merge.

Each ticket changes on its own, through the same services as one ticket's page, so one that
cannot change (merged already, another mailbox) is reported and the rest still happen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import transaction

from caredesk.access import Action, principal_of, ticket_check
from caredesk.accounts.models import Agent
from caredesk.accounts.selectors import agent_get
from caredesk.core.errors import InvalidRequest, NotFound
from caredesk.tickets.models import Ticket
from caredesk.tickets.services import (
    ticket_assign,
    ticket_merge,
    ticket_set_properties,
    ticket_set_status,
)

LIMIT = 200  # tickets per bulk change
# Each bulk action and what it asks of the access policy for every ticket it touches.
ACTIONS = {
    "assign": Action.CHANGE,
    "status": Action.CHANGE,
    "tag": Action.CHANGE,
    "merge": Action.MERGE,
}


@dataclass
class BulkOutcome:
    into: int | None = None  # the ticket the others were merged into
    done: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)

    def summary(self, what: str) -> str:
        said = f"{what}: {len(self.done)} ticket{'s' if len(self.done) != 1 else ''}"
        if self.refused:
            said += "; not " + "; ".join(f"#{pk} ({why})" for pk, why in self.refused.items())
        return said + "."


def bulk_change(
    *, agent: Agent, references: Sequence[int], action: str, value: str = ""
) -> BulkOutcome:
    """Apply `action` (assign: an agent's email or "" for nobody; status: a status; tag: a tag
    name; merge: into the oldest of the tickets) to the tickets `agent` may see."""
    if action not in ACTIONS:
        raise InvalidRequest(f"there is no bulk action {action!r}; use one of {tuple(ACTIONS)}")
    wanted = list(dict.fromkeys(references))
    if not wanted:
        raise InvalidRequest("select at least one ticket")
    if len(wanted) > LIMIT:
        raise InvalidRequest(f"select at most {LIMIT} tickets at a time")
    principal = principal_of(agent)
    found = Ticket.objects.in_bulk(wanted)
    outcome = BulkOutcome()
    tickets: dict[int, Ticket] = {}
    for pk in wanted:
        try:
            if pk not in found:
                raise NotFound(f"there is no ticket #{pk}")
            ticket_check(principal, found[pk], ACTIONS[action])  # unseen: as if missing
        except InvalidRequest as exc:
            outcome.refused[pk] = str(exc)
        else:
            tickets[pk] = found[pk]
    change = _changer(agent, action, value, tickets)
    if action == "merge":
        outcome.into = _oldest(tickets).pk
    for pk, ticket in sorted(tickets.items()):
        try:
            with transaction.atomic():
                if change(ticket):
                    outcome.done.append(pk)
        except InvalidRequest as exc:
            outcome.refused[pk] = str(exc)
    return outcome


def _changer(
    agent: Agent, action: str, value: str, tickets: dict[int, Ticket]
) -> Callable[[Ticket], object]:
    if action == "assign":
        try:
            assignee = agent_get(email=value, active_only=True) if value else None
        except NotFound as exc:
            raise InvalidRequest(str(exc)) from None
        return lambda t: ticket_assign(ticket=t, agent=assignee, actor=agent)
    if action == "status":
        return lambda t: ticket_set_status(ticket=t, status=value, actor=agent)
    if action == "tag":
        tag = value.strip()
        if not tag:
            raise InvalidRequest("give the tag to add")
        return lambda t: ticket_set_properties(
            ticket=t, actor=agent, tags=[*(x.name for x in t.tags.all()), tag]
        )
    if len(tickets) < 2:
        raise InvalidRequest("select two or more tickets to merge")
    target = _oldest(tickets)
    reason = value.strip() or f"merged with {len(tickets) - 1} others from the inbox"

    def merge(ticket: Ticket) -> bool:
        if ticket.pk == target.pk:
            return False
        ticket_merge(source=ticket, target=target, actor=agent, reason=reason)
        return True

    return merge


def _oldest(tickets: dict[int, Ticket]) -> Ticket:
    """Where a bulk merge gathers the others: the ticket opened first."""
    return min(tickets.values(), key=lambda t: (t.created_at, t.pk))
