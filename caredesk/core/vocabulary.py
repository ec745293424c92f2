"""The words every app shares about a ticket: its statuses and its priorities.

They sit here, below every domain app, because SLA policies, rules and reports match on them
as much as tickets do; `caredesk.tickets.models` uses them for its fields.
"""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending (waiting on customer)"
    ON_HOLD = "on_hold", "On hold"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"


class Priority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    HIGH = "high", "High"
    NORMAL = "normal", "Normal"
    LOW = "low", "Low"


# How urgent each priority is, for ordering: higher first.
PRIORITY_RANK: dict[str, int] = {
    Priority.LOW: 0,
    Priority.NORMAL: 1,
    Priority.HIGH: 2,
    Priority.URGENT: 3,
}
