"""Reads of agents and teams."""

from __future__ import annotations

from caredesk.accounts.models import Agent, Team
from caredesk.core.errors import NotFound


def agent_get(*, email: str) -> Agent:
    agent = Agent.objects.filter(email=email.strip().lower()).first()
    if agent is None:
        raise NotFound(f"there is no agent {email}")
    return agent


def team_get(*, name: str) -> Team:
    team = Team.objects.filter(name__iexact=name.strip()).first()
    if team is None:
        raise NotFound(f"there is no team {name!r}")
    return team
