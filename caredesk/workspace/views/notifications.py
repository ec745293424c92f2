"""The agent's notifications: SLA warnings and breaches, failing mailboxes, assignments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from caredesk.core.errors import NotFound
from caredesk.notifications.selectors import notification_list, notification_unread_count
from caredesk.notifications.services import notification_mark_all_read, notification_mark_read
from caredesk.tickets.selectors import MAX_ID
from caredesk.workspace.views._common import agent_of, refused

SHOWN = 100


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    agent = agent_of(request)
    unread_only = request.GET.get("unread") == "1"
    found = list(notification_list(agent=agent, unread=unread_only)[: SHOWN + 1])
    context = {
        "notifications": found[:SHOWN],
        "more": len(found) > SHOWN,
        "unread_only": unread_only,
        "unread": notification_unread_count(agent=agent),
    }
    return render(request, "workspace/notifications.html", context)


def _back(request: HttpRequest) -> str:
    back = request.POST.get("back", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return reverse("workspace:notifications")


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read, then on to its ticket (or template) when the agent clicked through to it,
    else back."""
    try:
        if not 0 < pk <= MAX_ID:
            raise NotFound(f"you have no notification {pk}")
        notification = notification_mark_read(agent=agent_of(request), notification_id=pk)
    except NotFound as exc:
        return refused(request, exc)
    if request.POST.get("open") == "1" and notification.ticket_id is not None:
        return redirect("workspace:ticket", ref=notification.ticket_id)
    if request.POST.get("open") == "1" and notification.template_id is not None:
        return redirect("workspace:template-page", pk=notification.template_id)
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = notification_mark_all_read(agent=agent_of(request))
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return redirect(_back(request))
