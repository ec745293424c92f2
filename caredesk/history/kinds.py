"""Every kind of thing that can happen to a ticket, as one enumeration."""

from __future__ import annotations

from django.db import models


class EventKind(models.TextChoices):
    CREATED = "created", "Ticket opened"
    STATUS_CHANGED = "status_changed", "Status changed"
    ASSIGNED = "assigned", "Assignee changed"
    PRIORITY_SET = "priority_set", "Priority set"
    TEAM_CHANGED = "team_changed", "Team changed"
    CATEGORY_CHANGED = "category_changed", "Category changed"
    TAG_ADDED = "tag_added", "Tag added"
    TAG_REMOVED = "tag_removed", "Tag removed"
    NOTE_ADDED = "note_added", "Internal note added"
    REPLIED = "replied", "Replied to the customer"
    MERGED = "merged", "Another ticket merged in"
    MERGED_INTO = "merged_into", "Merged into another ticket"
    SPLIT_INTO = "split_into", "A message split off"
    SPLIT_FROM = "split_from", "Split off another ticket"
    ACKNOWLEDGEMENT_SKIPPED = "acknowledgement_skipped", "No acknowledgement sent"
    DELIVERY_FAILED = "delivery_failed", "Email not delivered"
    DELIVERY_RETRIED = "delivery_retried", "Delivery retried"
    BOUNCED = "bounced", "Email bounced"
    SLA_POLICY_APPLIED = "sla_policy_applied", "SLA policy applied"
    SLA_TIMER_STARTED = "sla_timer_started", "SLA target started"
    SLA_TIMER_PAUSED = "sla_timer_paused", "SLA timer paused"
    SLA_TIMER_RESUMED = "sla_timer_resumed", "SLA timer resumed"
    SLA_TIMER_RETARGETED = "sla_timer_retargeted", "SLA target changed"
    SLA_TIMER_FULFILLED = "sla_timer_fulfilled", "SLA target reached"
    SLA_TIMER_CANCELLED = "sla_timer_cancelled", "SLA timer cancelled"
    SLA_TIMER_WARNED = "sla_timer_warned", "SLA target due soon"
    SLA_TIMER_BREACHED = "sla_timer_breached", "SLA target missed"


class By(models.TextChoices):
    """Who acted when no agent did (an agent's events name the agent as their actor). MACRO
    goes with an agent: the change was their reply's template macro, not a choice they made
    field by field."""

    CUSTOMER = "customer", "The customer"
    DETECTION = "detection", "Priority detection"
    SLA = "sla", "The SLA policy"
    RULE = "rule", "A rule"
    SYSTEM = "system", "caredesk"
    MACRO = "macro", "A template's macro"


# Worth a line in a ticket's conversation; the rest (SLA bookkeeping and the like) is listed in
# its full history only.
TIMELINE_KINDS: frozenset[str] = frozenset(
    {
        EventKind.ASSIGNED,
        EventKind.STATUS_CHANGED,
        EventKind.PRIORITY_SET,
        EventKind.TEAM_CHANGED,
        EventKind.CATEGORY_CHANGED,
        EventKind.TAG_ADDED,
        EventKind.TAG_REMOVED,
        EventKind.MERGED,
        EventKind.MERGED_INTO,
        EventKind.SPLIT_INTO,
        EventKind.SPLIT_FROM,
        EventKind.DELIVERY_FAILED,
        EventKind.DELIVERY_RETRIED,
        EventKind.BOUNCED,
        EventKind.SLA_TIMER_BREACHED,
    }
)
