"""What the top bar of every workspace page needs: the unread notifications count, and
whether the signed-in agent may use the Django admin (the access policy says)."""

from __future__ import annotations

from django import template

from caredesk.access import admin_site_permits, principal_of
from caredesk.accounts.models import Agent
from caredesk.notifications.selectors import notification_unread_count

register = template.Library()

KINDS = {
    "sla_warning": "SLA warning",
    "sla_breached": "SLA breached",
    "imap_failing": "Mailbox failing",
    "assigned": "Assigned to you",
    "template_review": "Template review due",
}


@register.simple_tag
def unread_notifications(user: object) -> int:
    """One indexed count per page."""
    return notification_unread_count(agent=user) if isinstance(user, Agent) else 0


@register.simple_tag
def may_use_admin(user: object) -> bool:
    return admin_site_permits(principal_of(user))


@register.filter
def notification_kind(kind: str) -> str:
    return KINDS.get(kind, kind.replace("_", " ").capitalize())
