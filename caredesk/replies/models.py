"""Saved replies: a template with its language variants and its macro."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from caredesk.core import clock
from caredesk.core.models import TimestampedModel
from caredesk.replies.macros import validate_macro


class Scope(models.TextChoices):
    PERSONAL = "personal", "Personal (its owner's)"
    TEAM = "team", "Team (the team's members')"
    SHARED = "shared", "Shared (every agent's, once approved)"


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    RETIRED = "retired", "Retired"


class ReplyTemplate(TimestampedModel):
    """A saved reply. Shared templates go draft -> in review -> approved (by a supervisor or
    an admin) -> retired, and only approved ones are offered; personal and team templates are
    their writers' own and start approved (usable at once), until retired."""

    name = models.CharField(max_length=200)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.PERSONAL)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reply_templates",
    )
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reply_templates",
        help_text="For team templates: whose members use it",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    review_by = models.DateField(
        null=True, blank=True, help_text="When its owner should check it is still right"
    )
    # The review-by date its owner was last told of (caredesk.replies.stale): told once per date.
    review_flagged_for = models.DateField(null=True, blank=True, editable=False)
    # The ticket fields a reply made from it sets (caredesk.replies.macros).
    actions = models.JSONField(default=dict, blank=True, validators=[validate_macro])
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(scope="team") | models.Q(team__isnull=False),
                name="team_template_has_team",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def approved(self) -> bool:
        """Offered to the agents who see it (the access policy's question)."""
        return self.state == State.APPROVED


class ReplyTemplateVariant(TimestampedModel):
    """One language's text of a template: one "Refund policy" with its en, de, fr, ...
    versions, rather than a copy per language."""

    template = models.ForeignKey(ReplyTemplate, on_delete=models.CASCADE, related_name="variants")
    language = models.CharField(max_length=10, help_text="Language tag: en, de, fr, es, ja, ...")
    body = models.TextField(help_text="The text, with variables such as {{ customer.first_name }}")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language"], name="one_variant_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} ({self.language})"


class TemplateUse(models.Model):
    """A reply sent from a template: what its effectiveness (uses, reopen rate, time to solve)
    is counted from. Written in the reply's transaction."""

    template = models.ForeignKey(ReplyTemplate, on_delete=models.CASCADE, related_name="uses")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="template_uses"
    )
    message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=10, blank=True)
    used_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["used_at", "id"]
        indexes = [models.Index(fields=["template", "used_at"], name="template_use_by_time")]

    def __str__(self) -> str:
        return f"{self.template} on {self.ticket_id}"
