"""The acting agent's notifications (SLA warnings and breaches, failing mailboxes) over HTTP."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, P, PathEx, Query, Router, Schema

from caredesk.accounts.models import Agent
from caredesk.api.pagination import paginate
from caredesk.api.schemas import ErrorOut, PageFilter, ValidationErrorOut
from caredesk.api.schemas_sla import NotificationOut
from caredesk.notifications.selectors import notification_list
from caredesk.notifications.services import notification_mark_read
from caredesk.tickets.selectors import MAX_ID

router = Router(tags=["notifications"])

Id = PathEx[int, P(ge=1, le=MAX_ID, description="the notification's id")]


class NotificationFilter(PageFilter):
    unread: bool = Field(False, description="only those not marked read")


class NotificationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[NotificationOut]


def _agent(request: HttpRequest) -> Agent:
    # django-ninja sets `auth` on the request to what the route's authentication returned.
    agent: Agent = request.auth  # type: ignore[attr-defined]
    return agent


@router.get("", response={200: NotificationPage, 422: ValidationErrorOut})
def list_notifications(request: HttpRequest, filters: Query[NotificationFilter]) -> Any:
    """Your notifications, newest first."""
    found = notification_list(agent=_agent(request), unread=filters.unread)
    return paginate(found, limit=filters.limit, offset=filters.offset)


@router.post("/{id}/read", response={200: NotificationOut, 404: ErrorOut, 422: ValidationErrorOut})
def mark_read(request: HttpRequest, id: Id) -> Any:
    """Mark one of your notifications read."""
    return notification_mark_read(agent=_agent(request), notification_id=id)
