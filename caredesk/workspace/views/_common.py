"""Small helpers the workspace's views share."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from caredesk.access import Principal, principal_of
from caredesk.accounts.models import Agent
from caredesk.core.errors import Forbidden, NotFound


def agent_of(request: HttpRequest) -> Agent:
    agent = request.user
    assert isinstance(agent, Agent)
    return agent


def principal_of_request(request: HttpRequest) -> Principal:
    """Whom the access policy sees behind the session."""
    return principal_of(request.user)


def refused(request: HttpRequest, error: NotFound | Forbidden) -> HttpResponse:
    """The page for what the access policy refused: 404 for what the agent may not see (worded
    as if it did not exist), 403 for what they see but may not do."""
    status = 403 if isinstance(error, Forbidden) else 404
    return render(request, "workspace/error.html", {"error": str(error)}, status=status)


def page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1
