from __future__ import annotations

import secrets

from django.db import models

from caredesk.core import clock
from caredesk.core.models import TimestampedModel


def new_bounce_token() -> str:
    return secrets.token_hex(8)


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboundEmail(TimestampedModel):
    """An email we owe somebody. Created in the same transaction as its cause, sent by a worker."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
        REPLY = "reply", "Reply"

    mailbox = models.ForeignKey("mailboxes.Mailbox", on_delete=models.PROTECT)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="outbound"
    )
    ticket_message = models.OneToOneField(
        "tickets.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="outbound"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    to = models.JSONField(default=list)
    # The first To address, kept apart so per-recipient limits are a plain indexed lookup.
    recipient = models.CharField(max_length=254, blank=True, db_index=True)
    cc = models.JSONField(default=list)
    subject = models.CharField(max_length=500)
    # The sender's display name ("Ann at Example Support"); empty: the mailbox's name.
    from_name = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    # The HTML alternative of `text`, already cleaned (outbound.formatting); empty: text only.
    html = models.TextField(blank=True)
    message_id = models.CharField(max_length=500, unique=True)
    in_reply_to = models.CharField(max_length=500, blank=True)
    references = models.TextField(blank=True)
    bounce_token = models.CharField(max_length=40, unique=True, default=new_bounce_token)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=clock.now)
    last_error = models.CharField(max_length=1000, blank=True)
    # The token of the worker sending it now (see outbound.claims), "" when nobody is: a claim
    # whose worker has died is taken over at once instead of after the lease.
    claimed_by = models.CharField(max_length=40, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    # Files sent with the email: every attempt (retries included) attaches these same files.
    attachments = models.ManyToManyField("tickets.Attachment", blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id} ({self.status})"
