"""Who is asking: an agent (by role and teams), a customer, or nobody signed in.

A principal is built from what an interface knows about its caller (the session's user, the
API token's agent, later the portal's customer) and is all the policy looks at.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from caredesk.accounts.models import Agent, Role

MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR})


class AgentPrincipal:
    """An active agent: their id, role, and the teams they belong to.

    The teams are read from the database only when a rule needs them as values (checking one
    ticket in memory); the query-building rules use a subquery instead, so building a principal
    costs nothing. Tests pass `team_ids` to check rules without a database."""

    def __init__(self, *, id: int, role: str, team_ids: Iterable[int] | None = None) -> None:
        self.id = id
        self.role = role
        self._team_ids = frozenset(team_ids) if team_ids is not None else None

    @property
    def is_manager(self) -> bool:
        """Supervisors and admins see everything agents work on."""
        return self.role in MANAGERS

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def team_ids(self) -> frozenset[int]:
        if self._team_ids is None:
            self._team_ids = frozenset(self.memberships().values_list("team_id", flat=True))
        return self._team_ids

    def teams_for_query(self) -> list[int] | QuerySet[Any]:
        """The team ids for a `team__in` lookup: the ids when known, else a subquery (so
        building a query runs none)."""
        if self._team_ids is not None:
            return sorted(self._team_ids)
        return self.memberships().values("team_id")

    def memberships(self) -> QuerySet[Any]:
        """The agent's rows in the agent-team table."""
        return Agent.teams.through.objects.filter(agent_id=self.id)

    def __repr__(self) -> str:
        return f"AgentPrincipal(id={self.id}, role={self.role!r})"


@dataclass(frozen=True)
class CustomerPrincipal:
    """A customer, known by their customer id: they see their own tickets and nothing else.

    No interface signs customers in yet; the portal will build one of these and use the same
    rules as the workspace and the API."""

    customer_id: int


@dataclass(frozen=True)
class Anonymous:
    """Nobody signed in (or an account that is no longer active)."""


ANONYMOUS = Anonymous()

Principal = AgentPrincipal | CustomerPrincipal | Anonymous


def principal_of(user: object) -> Principal:
    """The principal for an interface's caller: a session's `request.user`, an API token's
    agent, or None. Anything but an active agent is anonymous."""
    if isinstance(user, Agent) and user.is_active and user.pk is not None:
        return AgentPrincipal(id=user.pk, role=user.role)
    return ANONYMOUS
