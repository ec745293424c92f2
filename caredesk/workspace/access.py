"""Which tickets an agent may see and act on.

Admins and supervisors: every ticket. Agents: the tickets of their teams, tickets no team
holds yet (so new mail can be triaged), and tickets assigned to them.
"""

from __future__ import annotations

from django.db.models import Q

from caredesk.accounts.models import Agent, Role
from caredesk.core.errors import NotFound
from caredesk.tickets.models import Ticket


def visible_to(agent: Agent) -> Q:
    if agent.role in (Role.ADMIN, Role.SUPERVISOR):
        return Q()
    return Q(team__isnull=True) | Q(team__in=agent.teams.all()) | Q(assignee=agent)


def ticket_for(*, agent: Agent, reference: int) -> Ticket:
    """The ticket, if `agent` may see it; NotFound otherwise (not telling it exists)."""
    ticket = Ticket.objects.filter(visible_to(agent), pk=reference).first()
    if ticket is None:
        raise NotFound(f"there is no ticket #{reference}")
    return ticket
