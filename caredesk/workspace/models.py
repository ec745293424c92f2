from __future__ import annotations

from django.db import models

from caredesk.core.models import TimestampedModel


class SignInFailure(TimestampedModel):
    """A refused sign-in, kept briefly so that guessing passwords is slowed down for everyone
    running caredesk's web processes, not one process at a time."""

    address = models.CharField(max_length=254, db_index=True)  # the email that was tried
    ip = models.GenericIPAddressField(null=True, db_index=True)
    # The known-device cookie the attempt came with, if valid for that address: its failures
    # are counted apart, so a known device keeps working while others are refused.
    device = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"{self.address} from {self.ip}"


class KnownSignInSource(models.Model):
    """An IP address an agent signed in from: never slowed down by failures for that agent
    made elsewhere."""

    agent = models.ForeignKey("accounts.Agent", on_delete=models.CASCADE, related_name="+")
    ip = models.GenericIPAddressField()
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agent", "ip"], name="known_source_once")]

    def __str__(self) -> str:
        return f"agent {self.agent_id} from {self.ip}"


class TicketPresence(models.Model):
    """An agent has a ticket open (and maybe is writing on it): what collision warnings show."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey("accounts.Agent", on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()
    composing = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "agent"], name="presence_once")]

    def __str__(self) -> str:
        return f"agent {self.agent_id} on #{self.ticket_id}"


class SavedView(TimestampedModel):
    """An inbox view an agent made from filters ("urgent billing tickets", "VIP waiting"); their
    own, or shared with everyone when a supervisor or admin says so."""

    owner = models.ForeignKey("accounts.Agent", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    # The filters as the inbox's query string reads them, e.g. "status=open&priority=urgent".
    filters = models.CharField(max_length=1000)
    shared = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class Draft(models.Model):
    """What an agent is writing on a ticket, saved as they type so it survives a closed tab or a
    change of computer. Private to that agent; gone once sent or discarded."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply to customer"
        NOTE = "note", "Internal note"

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey("accounts.Agent", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPLY)
    text = models.TextField(blank=True)
    cc = models.CharField(max_length=2000, blank=True)
    status_after = models.CharField(max_length=20, blank=True)
    # The template the agent inserted last, whose use (and macro) the reply records on send;
    # `macro_dropped` when they chose to send it without the macro.
    template = models.ForeignKey(
        "replies.ReplyTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    macro_dropped = models.BooleanField(default=False)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "agent"], name="draft_once")]

    def __str__(self) -> str:
        return f"draft of agent {self.agent_id} on #{self.ticket_id}"
