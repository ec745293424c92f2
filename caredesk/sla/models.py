"""Business calendars, SLA policies and the timers they start on tickets."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from caredesk.core.models import TimestampedModel


class SlaState(models.TextChoices):
    """A ticket's SLA at a glance (kept on the ticket row for the inbox)."""

    NONE = "", "No SLA"
    OK = "ok", "On track"
    PAUSED = "paused", "Paused"
    WARNING = "warning", "Due soon"
    BREACHED = "breached", "Breached"
    MET = "met", "All targets met"


class Calendar(TimestampedModel):
    """When a team is open, as stored; `caredesk.sla.book` turns it into a BusinessCalendar.

    `weekly_hours` is {"0": [["09:00", "17:00"]], ...} with 0 for Monday; an interval whose end
    is not after its start runs past midnight. `closed_days` is ["2026-12-24", ...] and
    `special_days` is {"2026-12-27": [["10:00", "14:00"]]} (opening on an otherwise closed day).
    """

    name = models.CharField(max_length=100, unique=True)
    timezone = models.CharField(max_length=64, default="UTC")
    always_open = models.BooleanField(default=False, help_text="24/7: every hour counts")
    weekly_hours = models.JSONField(default=dict, blank=True)
    closed_days = models.JSONField(default=list, blank=True)
    special_days = models.JSONField(default=dict, blank=True)
    country = models.CharField(
        max_length=2, blank=True, help_text="Public holidays of this country (ISO code, e.g. DE)"
    )
    subdivision = models.CharField(max_length=10, blank=True, help_text="e.g. BY for Bavaria")
    is_default = models.BooleanField(
        default=False, help_text="Used where no policy, team or mailbox names a calendar"
    )

    def __str__(self) -> str:
        return self.name


class SlaPolicy(TimestampedModel):
    """Targets for tickets that match; the first active policy in `position` order applies.

    Every non-empty condition must hold (within one condition, any listed value will do).
    Targets are minutes of business time of the policy's calendar, or of the ticket's team's,
    mailbox's or the default calendar when the policy names none.
    """

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=100)
    active = models.BooleanField(default=True)
    calendar = models.ForeignKey(Calendar, null=True, blank=True, on_delete=models.PROTECT)

    match_priorities = models.JSONField(default=list, blank=True)
    match_mailboxes = models.ManyToManyField("mailboxes.Mailbox", blank=True, related_name="+")
    match_teams = models.ManyToManyField("accounts.Team", blank=True, related_name="+")
    match_categories = models.JSONField(default=list, blank=True)
    match_tags = models.JSONField(default=list, blank=True)
    match_organisations = models.ManyToManyField(
        "customers.Organisation", blank=True, related_name="+"
    )
    match_tiers = models.JSONField(default=list, blank=True)

    first_reply_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_reply_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)

    warn_at_percent = models.PositiveSmallIntegerField(
        default=75, help_text="Warn when this share of a target is used (1-99; 0: never)"
    )
    warn_notify_assignee = models.BooleanField(default=True)
    breach_raise_priority = models.BooleanField(default=False)
    breach_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    breach_notify_supervisors = models.BooleanField(default=True)
    breach_add_tag = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return self.name


class TimerKind(models.TextChoices):
    FIRST_REPLY = "first_reply", "First reply"
    NEXT_REPLY = "next_reply", "Next reply"
    RESOLUTION = "resolution", "Resolution"


class TimerState(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    FULFILLED = "fulfilled", "Fulfilled"
    CANCELLED = "cancelled", "Cancelled"
    # A first-reply target stopped by solving or closing the ticket before anyone replied:
    # stopped, and not met (never counted as met, however little time it used).
    UNANSWERED = "unanswered", "Closed without a reply"


ACTIVE_STATES = (TimerState.RUNNING, TimerState.PAUSED)


class SlaTimer(TimestampedModel):
    """One target on one ticket. Business time used is `used_seconds` plus, while running, the
    business time since `running_since`; `due_at` and `warn_at` are worked out when it (re)starts
    so the sweep finds what is due with an index range scan."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="timers")
    policy = models.ForeignKey(SlaPolicy, null=True, on_delete=models.SET_NULL, related_name="+")
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=TimerKind.choices)
    state = models.CharField(max_length=10, choices=TimerState.choices)
    target_seconds = models.PositiveIntegerField()
    warn_percent = models.PositiveSmallIntegerField(default=75)
    used_seconds = models.PositiveIntegerField(default=0)
    running_since = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind"],
                condition=Q(state__in=ACTIVE_STATES),
                name="one_active_timer_per_kind",
            )
        ]
        indexes = [
            models.Index(
                fields=["warn_at"],
                condition=Q(state=TimerState.RUNNING, warned_at__isnull=True),
                name="timer_warn_due",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(state=TimerState.RUNNING, breached_at__isnull=True),
                name="timer_breach_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.ticket_id} ({self.state})"
