"""Changes to agents' notifications (each agent their own, as the access policy says)."""

from __future__ import annotations

from datetime import date

from caredesk.access import notifications_visible, principal_of
from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.core.errors import NotFound
from caredesk.notifications.models import Notification


def notification_mark_read(*, agent: Agent, notification_id: int) -> Notification:
    """Mark one of `agent`'s notifications read (once: marking it again keeps the first time).
    Another agent's notification is NotFound, as if it did not exist."""
    mine = notifications_visible(principal_of(agent))
    notification = Notification.objects.filter(mine, pk=notification_id).first()
    if notification is None:
        raise NotFound(f"you have no notification {notification_id}")
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, agent: Agent) -> int:
    """Mark every unread notification of `agent`'s read, in one statement; returns how many."""
    mine = notifications_visible(principal_of(agent))
    return Notification.objects.filter(mine, read_at__isnull=True).update(read_at=clock.now())


def notification_assigned_create(
    *, agent: Agent, actor: Agent | None, ticket_id: int, subject: str
) -> Notification | None:
    """Tell `agent` that `actor` gave them ticket `ticket_id`, in the transaction of the
    assignment. Nobody is told of assigning themselves, nor (with no actor) of caredesk's own
    routing, which the SLA warnings already follow."""
    if actor is None or actor.pk == agent.pk or not agent.is_active:
        return None
    text = f"{actor.name or actor.email} assigned you #{ticket_id}: {subject or '(no subject)'}"
    return Notification.objects.create(
        agent=agent, ticket_id=ticket_id, kind="assigned", text=text[:500]
    )


def notification_template_review_create(
    *, agent: Agent, template_id: int, name: str, review_by: date, today: date
) -> Notification:
    """Tell `agent`, a template's owner, that its review-by date has come or is near. The
    caller (caredesk.replies.stale) makes sure this happens once per template and date."""
    when = "was due" if review_by < today else "is due"
    day = f"{review_by:%a} {review_by.day} {review_by:%b %Y}"
    text = f"Your template “{name}” {when} for review by {day}"
    return Notification.objects.create(
        agent=agent, template_id=template_id, kind="template_review", text=text[:500]
    )
