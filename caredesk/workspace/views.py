"""The agents' workspace: sign in, the inbox, a ticket with its conversation and composer.

Views stay thin: reads are selectors, every change goes through the same services the API and
email processing use; a refused change comes back as a message on the page, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from caredesk.accounts.models import Agent, Team
from caredesk.accounts.services import agent_profile_update
from caredesk.core.errors import InvalidRequest, NotFound
from caredesk.sla.selectors import sla_views
from caredesk.tickets.models import Attachment, Priority, Status
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.selectors import ticket_get_detailed
from caredesk.tickets.services import (
    ticket_add_note,
    ticket_assign,
    ticket_merge,
    ticket_set_priority,
    ticket_set_properties,
    ticket_set_status,
)
from caredesk.workspace.access import ticket_for
from caredesk.workspace.inbox import VIEWS, inbox_counts, inbox_tickets, inbox_view, ticket_search
from caredesk.workspace.presence import presence_leave, presence_report
from caredesk.workspace.signin import agent_sign_in


def sign_in(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            agent = agent_sign_in(
                email=request.POST.get("email", ""),
                password=request.POST.get("password", ""),
                ip=request.META.get("REMOTE_ADDR"),
            )
        except InvalidRequest as exc:
            error = str(exc)
        else:
            login(request, agent)
            wanted = request.POST.get("next", "")
            safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
            return redirect(wanted if wanted and safe else reverse("workspace:inbox"))
    context = {
        "error": error,
        "next": request.GET.get("next", ""),
        "email": request.POST.get("email", ""),
    }
    return render(request, "workspace/sign_in.html", context, status=400 if error else 200)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("workspace:sign-in")


def _agent(request: HttpRequest) -> Agent:
    agent = request.user
    assert isinstance(agent, Agent)
    return agent


@login_required
def inbox(request: HttpRequest, view: str = "mine") -> HttpResponse:
    agent = _agent(request)
    try:
        chosen = inbox_view(view)
    except NotFound as exc:
        return render(request, "workspace/error.html", {"error": str(exc)}, status=404)
    page = _page(request.GET.get("page"))
    tickets = list(inbox_tickets(agent=agent, view=chosen, page=page))
    slas = sla_views(tickets=tickets)
    rows = [(ticket, slas.get(ticket.pk)) for ticket in tickets]
    context = {
        "views": VIEWS,
        "view": chosen,
        "counts": inbox_counts(agent=agent),
        "rows": rows,
        "page": page,
        "more": len(tickets) == 50,
    }
    return render(request, "workspace/inbox.html", context)


def _page(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


@login_required
def ticket(request: HttpRequest, ref: int) -> HttpResponse:
    try:
        ticket_for(agent=_agent(request), reference=ref)
        found = ticket_get_detailed(reference=ref)
    except NotFound as exc:
        return render(request, "workspace/error.html", {"error": str(exc)}, status=404)
    sla = sla_views(tickets=[found]).get(found.pk)
    shown = [m.pk for m in found.messages.all()]
    context = {
        "ticket": found,
        "sla": sla,
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "teams": Team.objects.order_by("name"),
        "agents": Agent.objects.filter(is_active=True).order_by("name"),
        "tags": ", ".join(sorted(t.name for t in found.tags.all())),
        "last_shown": max(shown, default=0),
        "others": found.customer.tickets.exclude(pk=found.pk).order_by("-updated_at")[:10],
    }
    return render(request, "workspace/ticket.html", context)


@login_required
@require_POST
def presence(request: HttpRequest, ref: int) -> HttpResponse:
    """Heartbeat from an open ticket page; answers with who else is on the ticket."""
    agent = _agent(request)
    try:
        found = ticket_for(agent=agent, reference=ref)
    except NotFound as exc:
        return HttpResponse(str(exc), status=404)
    if request.POST.get("leaving"):
        presence_leave(ticket=found, agent=agent)
        return HttpResponse(status=204)
    since = request.POST.get("since", "0")
    report = presence_report(
        ticket=found,
        agent=agent,
        composing=request.POST.get("composing") == "1",
        since=int(since) if since.isdigit() else 0,
    )
    return render(request, "workspace/presence.html", {"presence": report})


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    tickets = list(ticket_search(agent=_agent(request), query=query)) if query.strip() else []
    slas = sla_views(tickets=tickets)
    context = {"query": query, "rows": [(t, slas.get(t.pk)) for t in tickets]}
    return render(request, "workspace/search.html", context)


Action = Callable[[HttpRequest, Any], str]


def _action(func: Action) -> Callable[[HttpRequest, int], HttpResponseBase]:
    """A change to a ticket from a form: done through a service, then back to the ticket with
    a message saying what happened or why it could not be done."""

    @wraps(func)
    @login_required
    @require_POST
    def view(request: HttpRequest, ref: int) -> HttpResponseBase:
        try:
            done = func(request, ticket_for(agent=_agent(request), reference=ref))
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
def reply(request: HttpRequest, ticket: Any) -> str:
    text = request.POST.get("text", "")
    if request.POST.get("kind") == "note":
        ticket_add_note(ticket=ticket, author=_agent(request), text=text)
        return "Note added."
    status = request.POST.get("status_after") or None
    cc = [a for a in request.POST.get("cc", "").replace(";", ",").split(",") if a.strip()]
    ticket_reply(ticket=ticket, author=_agent(request), text=text, cc=cc, status_after=status)
    return "Reply sent." if not status else f"Reply sent; the ticket is {status} now."


@_action
def set_status(request: HttpRequest, ticket: Any) -> str:
    ticket_set_status(ticket=ticket, status=request.POST.get("status", ""), actor=_agent(request))
    return f"Status: {ticket.status}."


@_action
def set_priority(request: HttpRequest, ticket: Any) -> str:
    ticket_set_priority(
        ticket=ticket,
        priority=request.POST.get("priority", ""),
        actor=_agent(request),
        reason=request.POST.get("reason", ""),
    )
    return f"Priority: {ticket.priority}."


@_action
def assign(request: HttpRequest, ticket: Any) -> str:
    email = request.POST.get("agent", "")
    agent = Agent.objects.filter(email=email).first() if email else None
    if email and agent is None:
        raise InvalidRequest(f"there is no agent {email}")
    ticket_assign(ticket=ticket, agent=agent, actor=_agent(request))
    return f"Assigned to {agent.name}." if agent else "Unassigned."


@_action
def set_properties(request: HttpRequest, ticket: Any) -> str:
    team_id = request.POST.get("team", "")
    team = Team.objects.filter(pk=team_id).first() if team_id.isdigit() else None
    tags = [t for t in request.POST.get("tags", "").split(",") if t.strip()]
    ticket_set_properties(
        ticket=ticket,
        actor=_agent(request),
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
    target = ticket_for(agent=_agent(request), reference=int(into))
    reason = request.POST.get("reason", "").strip() or "merged by an agent"
    ticket_merge(source=ticket, target=target, actor=_agent(request), reason=reason)
    return f"Merged into #{target.pk} (#{ticket.pk} is closed and points there)."


# Shown in the browser rather than downloaded: plain pictures only (never SVG, which can hold
# script). Everything else is a download.
SHOWN_INLINE = {"image/png", "image/jpeg", "image/gif", "image/webp"}


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An attachment, if the agent may see its ticket, with headers that keep a hostile file
    from running in caredesk's origin."""
    found = Attachment.objects.select_related("message").filter(pk=pk).first()
    try:
        if found is None:
            raise NotFound(f"there is no attachment {pk}")
        ticket_for(agent=_agent(request), reference=found.message.ticket_id)
    except NotFound as exc:
        return render(request, "workspace/error.html", {"error": str(exc)}, status=404)
    shown = found.content_type.lower() in SHOWN_INLINE and request.GET.get("download") is None
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=not shown,
        filename=found.filename,
        content_type=found.content_type if shown else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    agent = _agent(request)
    if request.method == "POST":
        try:
            agent_profile_update(
                agent=agent,
                name=request.POST.get("name", ""),
                signature=request.POST.get("signature", ""),
                language=request.POST.get("language", ""),
                time_zone=request.POST.get("time_zone", ""),
                availability=request.POST.get("availability", ""),
            )
        except InvalidRequest as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Profile saved.")
            return redirect("workspace:profile")
    return render(request, "workspace/profile.html", {"agent": agent})
