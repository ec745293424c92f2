from __future__ import annotations

from django.conf import settings
from django.db import models

from caredesk.core.models import TimestampedModel


class Notification(TimestampedModel):
    """Something an agent should look at: a ticket close to or past its SLA target, a mailbox
    that cannot be fetched. `kind` says which ("sla_warning", "sla_breached", "imap_failing",
    "assigned", "template_review")."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, on_delete=models.CASCADE, related_name="+"
    )
    # For a template whose review is due ("template_review"): the template to check.
    template = models.ForeignKey(
        "replies.ReplyTemplate", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=500)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agent", "read_at"], name="notification_agent_unread")]

    def __str__(self) -> str:
        return self.text
