"""The templates page: the saved replies an agent may see, with their review-by flags and
effectiveness (caredesk.replies.listing), and the form for a new one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from caredesk.access.principals import MANAGERS
from caredesk.accounts.models import Team
from caredesk.core import clock
from caredesk.core.errors import Forbidden, InvalidRequest
from caredesk.replies.effectiveness import PERIODS
from caredesk.replies.listing import template_list, template_query_parse
from caredesk.replies.models import Scope, State
from caredesk.replies.services import template_create
from caredesk.workspace.views._common import agent_of, principal_of_request, refused
from caredesk.workspace.views.template_forms import review_by_parse

PERIOD_LABELS = {"30": "Last 30 days", "90": "Last 90 days", "365": "Last 365 days", "all": "All"}


@login_required
@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    try:
        query = template_query_parse(request.GET)
    except InvalidRequest as exc:
        error = f"Templates not listed: {exc}."
        return render(request, "workspace/error.html", {"error": error}, status=400)
    found = template_list(
        principal=principal_of_request(request),
        query=query,
        today=timezone.localdate(clock.now()),
        now=clock.now(),
    )
    unsorted = request.GET.copy()
    unsorted.pop("sort", None)
    context = {
        "list": found,
        "query": query,
        "unsorted": unsorted.urlencode(),
        "states": State.choices,
        "scopes": Scope.choices,
        "periods": [(value, PERIOD_LABELS[value]) for value in PERIODS],
        "review_queue": query.state == State.IN_REVIEW,
    }
    return render(request, "workspace/template_list.html", context)


def _teams_for(request: HttpRequest) -> list[Team]:
    agent = agent_of(request)
    teams = Team.objects.order_by("name")
    return list(teams if agent.role in MANAGERS else teams.filter(members=agent))


def _new_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    context = {
        "scopes": Scope.choices,
        "teams": _teams_for(request),
        "languages": settings.CAREDESK_LANGUAGES.split(","),
        "form": request.POST if request.method == "POST" else {},
    }
    return render(request, "workspace/template_new.html", context, status=status)


@login_required
@require_GET
def template_new(request: HttpRequest) -> HttpResponse:
    return _new_page(request)


@login_required
@require_POST
def template_create_view(request: HttpRequest) -> HttpResponse:
    """Create a template owned by the agent, with its first text; a shared one starts as a
    draft (send it for review on its page)."""
    form = request.POST
    try:
        team = _team(form.get("team", ""), form.get("scope", ""))
        language = form.get("language", "").strip()
        body = form.get("body", "")
        template = template_create(
            actor=agent_of(request),
            name=form.get("name", ""),
            scope=form.get("scope", Scope.PERSONAL),
            team=team,
            variants={language: body} if (language or body.strip()) else None,
            review_by=review_by_parse(form.get("review_by", "")),
        )
    except Forbidden as exc:
        return refused(request, exc)
    except InvalidRequest as exc:
        messages.error(request, f"Template not created: {exc}.")
        return _new_page(request, status=400)
    messages.success(request, f"Created the template \u201c{template.name}\u201d.")
    return redirect("workspace:template-page", pk=template.pk)


def _team(value: str, scope: str) -> Team | None:
    """The team a team template is for; none for the other scopes."""
    if scope != Scope.TEAM:
        return None
    value = value.strip()
    team = (
        Team.objects.filter(pk=int(value)).first() if value.isdigit() and len(value) < 10 else None
    )
    if team is None:
        raise InvalidRequest("choose the team a team template is for")
    return team
