"""Changes to a ticket from its page's forms: each done through a service, then back to the
ticket with a message saying what happened or why it could not be done."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caredesk.accounts.models import Team
from caredesk.accounts.selectors import agent_get
from caredesk.core.errors import InvalidRequest, NotFound
from caredesk.tickets.services import (
    ticket_assign,
    ticket_merge,
    ticket_set_priority,
    ticket_set_properties,
    ticket_set_status,
)
from caredesk.workspace.access import ticket_for
from caredesk.workspace.views._common import agent_of

Action = Callable[[HttpRequest, Any], str]


def _action(func: Action) -> Callable[[HttpRequest, int], HttpResponseBase]:
    """A change to a ticket from a form: done through a service, then back to the ticket with
    a message saying what happened or why it could not be done."""

    @wraps(func)
    @login_required
    @require_POST
    def view(request: HttpRequest, ref: int) -> HttpResponseBase:
        try:
            done = func(request, ticket_for(agent=agent_of(request), reference=ref))
        except NotFound as exc:
            return render(request, "workspace/error.html", {"error": str(exc)}, status=404)
        except InvalidRequest as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
            if done.startswith("Merged into #"):
                return redirect("workspace:ticket", ref=int(done.split("#")[1].split()[0]))
        return redirect("workspace:ticket", ref=ref)

    return view


@_action
def set_status(request: HttpRequest, ticket: Any) -> str:
    ticket_set_status(ticket=ticket, status=request.POST.get("status", ""), actor=agent_of(request))
    return f"Status: {ticket.status}."


@_action
def set_priority(request: HttpRequest, ticket: Any) -> str:
    ticket_set_priority(
        ticket=ticket,
        priority=request.POST.get("priority", ""),
        actor=agent_of(request),
        reason=request.POST.get("reason", ""),
    )
    return f"Priority: {ticket.priority}."


@_action
def assign(request: HttpRequest, ticket: Any) -> str:
    email = request.POST.get("agent", "")
    try:
        agent = agent_get(email=email) if email else None
    except NotFound as exc:  # the form's mistake, not a missing page
        raise InvalidRequest(str(exc)) from None
    ticket_assign(ticket=ticket, agent=agent, actor=agent_of(request))
    return f"Assigned to {agent.name}." if agent else "Unassigned."


@_action
def set_properties(request: HttpRequest, ticket: Any) -> str:
    team_id = request.POST.get("team", "")
    team = Team.objects.filter(pk=team_id).first() if team_id.isdigit() else None
    tags = [t for t in request.POST.get("tags", "").split(",") if t.strip()]
    ticket_set_properties(
        ticket=ticket,
        actor=agent_of(request),
        team=team,
        category=request.POST.get("category", ""),
        tags=tags,
    )
    return "Saved."


@_action
def merge(request: HttpRequest, ticket: Any) -> str:
    into = request.POST.get("into", "").strip().lstrip("#")
    if not into.isdigit():
        raise InvalidRequest("give the number of the ticket to merge into, such as 123")
    target = ticket_for(agent=agent_of(request), reference=int(into))
    reason = request.POST.get("reason", "").strip() or "merged by an agent"
    ticket_merge(source=ticket, target=target, actor=agent_of(request), reason=reason)
    return f"Merged into #{target.pk} (#{ticket.pk} is closed and points there)."
