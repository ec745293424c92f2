"""Changes to a ticket from its page's forms: each done through a service, then back to the
ticket with a message saying what happened or why it could not be done."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from caredesk.access import Action
from caredesk.accounts.models import Team
from caredesk.accounts.selectors import agent_get
from caredesk.core.errors import Forbidden, InvalidRequest, NotFound
from caredesk.tickets.selectors import ticket_get, ticket_get_detailed
from caredesk.tickets.services import (
    ticket_assign,
    ticket_merge,
    ticket_set_priority,
    ticket_set_properties,
    ticket_set_status,
)
from caredesk.workspace.views._common import agent_of, principal_of_request, refused
from caredesk.workspace.views.ticket import MergeForm, ticket_page

Change = Callable[[HttpRequest, Any], str]


def _action(action: Action) -> Callable[[Change], Callable[[HttpRequest, int], HttpResponseBase]]:
    """A change to a ticket from a form, if the access policy lets the agent do `action` to
    it: done through a service, then back to the ticket with a message saying what happened or
    why it could not be done."""

    def decorate(func: Change) -> Callable[[HttpRequest, int], HttpResponseBase]:
        @wraps(func)
        @login_required
        @require_POST
        def view(request: HttpRequest, ref: int) -> HttpResponseBase:
            principal = principal_of_request(request)
            try:
                done = func(request, ticket_get(reference=ref, principal=principal, action=action))
            except (NotFound, Forbidden) as exc:
                return refused(request, exc)
            except InvalidRequest as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, done)
            return redirect("workspace:ticket", ref=ref)

        return view

    return decorate


@_action(Action.CHANGE)
def set_status(request: HttpRequest, ticket: Any) -> str:
    ticket_set_status(ticket=ticket, status=request.POST.get("status", ""), actor=agent_of(request))
    return f"Status: {ticket.status}."


@_action(Action.CHANGE)
def set_priority(request: HttpRequest, ticket: Any) -> str:
    ticket_set_priority(
        ticket=ticket,
        priority=request.POST.get("priority", ""),
        actor=agent_of(request),
        reason=request.POST.get("reason", ""),
    )
    return f"Priority: {ticket.priority}."


@_action(Action.CHANGE)
def assign(request: HttpRequest, ticket: Any) -> str:
    email = request.POST.get("agent", "")
    try:
        agent = agent_get(email=email) if email else None
    except NotFound as exc:  # the form's mistake, not a missing page
        raise InvalidRequest(str(exc)) from None
    ticket_assign(ticket=ticket, agent=agent, actor=agent_of(request))
    return f"Assigned to {agent.name}." if agent else "Unassigned."


@_action(Action.CHANGE)
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


@login_required
@require_POST
def merge(request: HttpRequest, ref: int) -> HttpResponseBase:
    """Merge the ticket into another, then go there. A mistake in the form (no such ticket, one
    already merged, another mailbox's) is said on this ticket's page, with what was typed kept
    (400; 404 when there is no such ticket the agent may see): the agent stays where they
    were."""
    principal = principal_of_request(request)
    try:
        source = ticket_get(reference=ref, principal=principal, action=Action.MERGE)
    except (NotFound, Forbidden) as exc:
        return refused(request, exc)
    into = request.POST.get("into", "").strip()
    reason = request.POST.get("reason", "").strip()
    number_ok = True  # False: no ticket of that number the agent may see (404)
    try:
        number = into.lstrip("#").strip()
        if not number.isdigit():
            raise InvalidRequest("give the number of the ticket to merge into, such as 123")
        try:
            # A target the agent may not see is refused exactly as a missing one.
            target = ticket_get(reference=int(number), principal=principal, action=Action.MERGE)
        except NotFound as exc:
            number_ok = False
            raise InvalidRequest(f"{exc}; check the number") from None
        except Forbidden as exc:
            raise InvalidRequest(str(exc)) from None
        ticket_merge(
            source=source,
            target=target,
            actor=agent_of(request),
            reason=reason or "merged by an agent",
        )
    except InvalidRequest as exc:
        found = ticket_get_detailed(reference=ref, principal=principal)
        form = MergeForm(into=into, reason=reason, error=f"Not merged: {exc}.")
        return ticket_page(request, found, merge=form, status=400 if number_ok else 404)
    messages.success(
        request, f"Merged #{source.pk} into #{target.pk}; #{source.pk} is closed and points here."
    )
    return redirect("workspace:ticket", ref=target.pk)
