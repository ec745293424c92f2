"""Reads of agents' notifications (each agent their own, as the access policy says)."""

from __future__ import annotations

from django.db.models import QuerySet

from caredesk.access import notifications_visible, principal_of
from caredesk.accounts.models import Agent
from caredesk.notifications.models import Notification


def notification_list(*, agent: Agent, unread: bool = False) -> QuerySet[Notification]:
    """`agent`'s notifications, newest first; with `unread`, only those not marked read."""
    found = Notification.objects.filter(notifications_visible(principal_of(agent)))
    return found.filter(read_at__isnull=True) if unread else found


def notification_unread_count(*, agent: Agent) -> int:
    """How many of `agent`'s notifications are unread (read from the agent/read_at index)."""
    return notification_list(agent=agent, unread=True).count()
