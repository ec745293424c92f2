"""Saved inbox views: an agent's own filters under a name, or shared with the whole team."""

from __future__ import annotations

from urllib.parse import parse_qs

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from caredesk.access import Action, principal_of, saved_view_check, saved_views_visible
from caredesk.accounts.models import Agent
from caredesk.core.errors import InvalidRequest, NotFound
from caredesk.core.text import clean_text
from caredesk.workspace.filters import InboxFilters, filters_parse
from caredesk.workspace.inbox import InboxView, inbox_view
from caredesk.workspace.models import SavedView

LIMIT = 50  # saved views per agent


def saved_views_for(agent: Agent) -> QuerySet[SavedView]:
    """The agent's own views and those shared with everyone, by name."""
    visible = saved_views_visible(principal_of(agent))
    return SavedView.objects.filter(visible).order_by("name", "id")


def saved_view_get(*, agent: Agent, pk: int) -> SavedView:
    found = saved_views_for(agent).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"there is no saved view {pk}")
    return found


def saved_view_read(saved: SavedView) -> tuple[InboxView, InboxFilters]:
    """The built-in view a saved view narrows, and its filters."""
    query = parse_qs(saved.filters)
    base = (query.pop("view", None) or ["open"])[-1]
    return inbox_view(base), filters_parse(query)


def saved_view_create(
    *, agent: Agent, name: str, view: str, filters: InboxFilters, shared: bool = False
) -> SavedView:
    """Save `filters` on top of the built-in `view` as `name`. Only supervisors and admins
    share views with everyone (Forbidden for others)."""
    name = clean_text(name).strip()[:80]
    if not name:
        raise InvalidRequest("give the view a name")
    inbox_view(view)  # refuses an unknown one
    if shared:
        saved_view_check(principal_of(agent), SavedView(owner=agent, shared=True), Action.SHARE)
    if SavedView.objects.filter(owner=agent).count() >= LIMIT:
        raise InvalidRequest(f"you have {LIMIT} saved views already; delete one first")
    query = f"view={view}" + (f"&{filters.query_string()}" if filters else "")
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=agent, name=name, filters=query[:1000], shared=shared
            )
    except IntegrityError:
        raise InvalidRequest(f"you already have a view called {name!r}") from None


def saved_view_delete(*, agent: Agent, saved: SavedView) -> None:
    """Owners delete their views; admins and supervisors also shared ones (Forbidden for
    others)."""
    saved_view_check(principal_of(agent), saved, Action.DELETE)
    saved.delete()
