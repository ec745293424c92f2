"""The inbox: built-in and saved views with filters, bulk changes, and the search box."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from caredesk.accounts.models import Agent, Role, Team
from caredesk.core.errors import Forbidden, InvalidRequest, NotFound
from caredesk.mailboxes.models import Mailbox
from caredesk.sla.selectors import sla_views
from caredesk.tickets.models import Priority, Status, Ticket
from caredesk.workspace.bulk import bulk_change
from caredesk.workspace.filters import InboxFilters, filters_parse
from caredesk.workspace.inbox import (
    VIEWS,
    InboxView,
    SortChoice,
    inbox_counts,
    inbox_landing,
    inbox_tickets,
    inbox_view,
    row_details,
    sort_links,
    sort_parse,
)
from caredesk.workspace.models import SavedView
from caredesk.workspace.pages import Page
from caredesk.workspace.saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_get,
    saved_view_read,
    saved_views_for,
)
from caredesk.workspace.search import customer_search, ticket_search
from caredesk.workspace.views._common import agent_of, refused


def _cursor(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


def _show(
    request: HttpRequest,
    view: InboxView,
    filters: InboxFilters,
    sort: SortChoice | None,
    *,
    saved: SavedView | None = None,
) -> HttpResponse:
    agent = agent_of(request)
    page: Page[Ticket] = inbox_tickets(
        agent=agent,
        view=view,
        filters=filters,
        sort=sort,
        after=_cursor(request.GET.get("after")),
        before=_cursor(request.GET.get("before")),
    )
    slas = sla_views(tickets=page.rows)
    details = row_details(page.rows)
    query = request.GET.copy()
    for name in ("after", "before"):
        query.pop(name, None)
    unsorted = query.copy()
    unsorted.pop("sort", None)  # a header's link: these filters, its own sort, the first page
    here = (
        reverse("workspace:saved-view", args=[saved.pk])
        if saved is not None
        else reverse("workspace:inbox-view", args=[view.slug])
    )
    context = {
        "views": VIEWS,
        "view": view,
        "saved": saved,
        "saved_views": list(saved_views_for(agent)),
        "counts": inbox_counts(agent=agent),
        "rows": [(t, slas.get(t.pk)) for t in page.rows],
        "details": details,
        "page": page,
        "query": query.urlencode(),
        "here": here,
        # Page links continue this view: from `/`, that is the view it chose.
        "page_base": "" if request.path == here else here,
        "unsorted": unsorted.urlencode(),
        "sorts": sort_links(sort),
        # The page refreshes itself from the view's own address: `/` would choose the view
        # again, and could change it under the agent's eyes.
        "refresh": f"{here}?{request.GET.urlencode()}" if request.GET else here,
        "filters": filters,
        "choices": _choices(),
        "can_share": agent.role in (Role.ADMIN, Role.SUPERVISOR),
    }
    return render(request, "workspace/inbox.html", context)


def _choices() -> dict[str, object]:
    return {
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "teams": Team.objects.order_by("name"),
        "agents": Agent.objects.filter(is_active=True).order_by("name"),
        "mailboxes": Mailbox.objects.order_by("address"),
    }


def _refused(request: HttpRequest, error: Exception, status: int) -> HttpResponse:
    return render(request, "workspace/error.html", {"error": str(error)}, status=status)


@login_required
def inbox(request: HttpRequest, view: str | None = None) -> HttpResponse:
    """A view of the inbox; `/` opens the one with work in it (`inbox_landing`)."""
    try:
        chosen = inbox_view(view) if view is not None else inbox_landing(agent=agent_of(request))
        filters = filters_parse(dict(request.GET.lists()))
        sort = sort_parse(request.GET.get("sort"))
    except NotFound as exc:
        return _refused(request, exc, 404)
    except InvalidRequest as exc:
        return _refused(request, exc, 400)
    return _show(request, chosen, filters, sort)


@login_required
def saved_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        saved = saved_view_get(agent=agent_of(request), pk=pk)
        view, filters = saved_view_read(saved)
        sort = sort_parse(request.GET.get("sort"))
    except NotFound as exc:
        return _refused(request, exc, 404)
    except InvalidRequest as exc:
        return _refused(request, exc, 400)
    return _show(request, view, filters, sort, saved=saved)


@login_required
@require_POST
def saved_view_save(request: HttpRequest) -> HttpResponse:
    """Save the filters the agent is looking at, under a name."""
    base = request.POST.get("view", "open")
    try:
        filters = filters_parse(dict(QueryDict(request.POST.get("filters", "")).lists()))
        saved = saved_view_create(
            agent=agent_of(request),
            name=request.POST.get("name", ""),
            view=base,
            filters=filters,
            shared=request.POST.get("shared") == "1",
        )
    except Forbidden as exc:
        return refused(request, exc)
    except (InvalidRequest, NotFound) as exc:
        messages.error(request, f"The view was not saved: {exc}.")
        known = base in {v.slug for v in VIEWS}
        back = reverse("workspace:inbox-view", args=[base]) if known else reverse("workspace:inbox")
        return redirect(back + "?" + request.POST.get("filters", ""))
    messages.success(request, f"Saved the view {saved.name!r}.")
    return redirect("workspace:saved-view", pk=saved.pk)


@login_required
@require_POST
def saved_view_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        saved = saved_view_get(agent=agent_of(request), pk=pk)
        saved_view_delete(agent=agent_of(request), saved=saved)
    except (NotFound, Forbidden) as exc:
        return refused(request, exc)
    messages.success(request, f"Deleted the view {saved.name!r}.")
    return redirect("workspace:inbox")


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Change the tickets ticked in the inbox, then back to the same page."""
    back = request.POST.get("back", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("workspace:inbox")
    action = request.POST.get("do", "")
    references = [int(v) for v in request.POST.getlist("ticket") if v.isdigit() and len(v) < 19]
    value = request.POST.get(action, "")
    try:
        outcome = bulk_change(
            agent=agent_of(request), references=references, action=action, value=value
        )
    except InvalidRequest as exc:
        messages.error(request, f"Nothing changed: {exc}.")
        return redirect(back)
    what = {
        "assign": f"Assigned to {value}" if value else "Unassigned",
        "status": f"Set {value}",
        "tag": f"Tagged {value}",
        "merge": f"Merged into #{outcome.into}",
    }[action]
    (messages.success if outcome.done else messages.error)(request, outcome.summary(what))
    return redirect(back)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    agent = agent_of(request)
    query = request.GET.get("q", "")[:200]
    tickets = list(ticket_search(agent=agent, query=query)) if query.strip() else []
    slas = sla_views(tickets=tickets)
    details = row_details(tickets)
    context = {
        "query": query,
        "search_query": query,  # what the top bar's search box shows
        "rows": [(t, slas.get(t.pk)) for t in tickets],
        "details": details,
        "customers": customer_search(agent=agent, query=query),
    }
    return render(request, "workspace/search.html", context)
