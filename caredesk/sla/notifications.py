"""Agents' notifications: reading them and marking them read (each agent their own, as the
access policy says)."""

from __future__ import annotations

from django.db.models import QuerySet

from caredesk.access import notifications_visible, principal_of
from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.core.errors import NotFound
from caredesk.sla.models import Notification


def notifications_of(*, agent: Agent, unread: bool = False) -> QuerySet[Notification]:
    found = Notification.objects.filter(notifications_visible(principal_of(agent)))
    return found.filter(read_at__isnull=True) if unread else found


def notification_mark_read(*, agent: Agent, notification_id: int) -> Notification:
    mine = notifications_visible(principal_of(agent))
    notification = Notification.objects.filter(mine, pk=notification_id).first()
    if notification is None:
        raise NotFound(f"you have no notification {notification_id}")
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification
