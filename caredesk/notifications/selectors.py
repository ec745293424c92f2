"""Reads of agents' notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from caredesk.accounts.models import Agent
from caredesk.notifications.models import Notification


def notification_list(*, agent: Agent, unread: bool = False) -> QuerySet[Notification]:
    """`agent`'s notifications, newest first; with `unread`, only those not marked read."""
    found = Notification.objects.filter(agent=agent)
    return found.filter(read_at__isnull=True) if unread else found
