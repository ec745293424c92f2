"""The inbox views and the search box."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from caredesk.core.errors import NotFound
from caredesk.sla.selectors import sla_views
from caredesk.workspace.inbox import VIEWS, inbox_counts, inbox_tickets, inbox_view, ticket_search
from caredesk.workspace.views._common import agent_of, page_number


@login_required
def inbox(request: HttpRequest, view: str = "mine") -> HttpResponse:
    agent = agent_of(request)
    try:
        chosen = inbox_view(view)
    except NotFound as exc:
        return render(request, "workspace/error.html", {"error": str(exc)}, status=404)
    page = page_number(request.GET.get("page"))
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


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    tickets = list(ticket_search(agent=agent_of(request), query=query)) if query.strip() else []
    slas = sla_views(tickets=tickets)
    context = {"query": query, "rows": [(t, slas.get(t.pk)) for t in tickets]}
    return render(request, "workspace/search.html", context)
