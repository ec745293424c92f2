"""Reads of agents and teams."""

from __future__ import annotations

from django.db.models import QuerySet

from caredesk.accounts.models import Agent, ApiToken, Team
from caredesk.core.errors import NotFound


def agent_get(*, email: str, active_only: bool = False) -> Agent:
    """The agent with this email address, in any case and with stray spaces; with
    `active_only`, only if their account is active. NotFound otherwise.

    The one way caredesk finds an agent by address (API, workspace, command line, password
    reset), so all of them agree on who "ann@example.com" is."""
    found = Agent.objects.filter(email=email.strip().lower())
    agent = found.filter(is_active=True).first() if active_only else found.first()
    if agent is None:
        raise NotFound(f"there is no agent {email}")
    return agent


def team_get(*, name: str) -> Team:
    team = Team.objects.filter(name__iexact=name.strip()).first()
    if team is None:
        raise NotFound(f"there is no team {name!r}")
    return team


def agents_list() -> QuerySet[Agent]:
    """Every agent, by address, with their teams."""
    return Agent.objects.order_by("email").prefetch_related("teams")


def api_tokens_list(*, agent: Agent | None = None) -> QuerySet[ApiToken]:
    """API tokens (their prefixes, never the tokens), oldest first; one agent's with `agent`."""
    tokens = ApiToken.objects.select_related("agent").order_by("created_at", "pk")
    return tokens.filter(agent=agent) if agent is not None else tokens
