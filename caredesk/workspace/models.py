from __future__ import annotations

from django.db import models

from caredesk.core.models import TimestampedModel


class SignInFailure(TimestampedModel):
    """A refused sign-in, kept briefly so that guessing passwords is slowed down for everyone
    running caredesk's web processes, not one process at a time."""

    address = models.CharField(max_length=254, db_index=True)  # the email that was tried
    ip = models.GenericIPAddressField(null=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.address} from {self.ip}"


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
