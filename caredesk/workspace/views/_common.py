"""Small helpers the workspace's views share."""

from __future__ import annotations

from django.http import HttpRequest

from caredesk.accounts.models import Agent


def agent_of(request: HttpRequest) -> Agent:
    agent = request.user
    assert isinstance(agent, Agent)
    return agent


def page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1
