from __future__ import annotations

from django.db import models

from caredesk.core import clock


class IntakeStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"
    QUARANTINED = "quarantined", "Quarantined"
    # Mail to postmaster@ or abuse@ at one of our domains: kept here for admins, never processed
    # into a ticket, never acknowledged.
    POSTMASTER = "postmaster", "For the postmaster"


class Source(models.TextChoices):
    SMTP = "smtp", "SMTP server"
    PIPE = "pipe", "MTA pipe"
    IMAP = "imap", "IMAP"
    IMPORT = "import", "Import"


class InboundMessage(models.Model):
    """One email as it reached us, raw bytes included: the record everything else is built from.

    A source answers "accepted" only once this row is committed; every later stage can be run
    again from `raw`.
    """

    mailbox = models.ForeignKey("mailboxes.Mailbox", on_delete=models.PROTECT)
    source = models.CharField(max_length=10, choices=Source.choices)
    envelope_from = models.CharField(max_length=254, blank=True)
    envelope_to = models.JSONField(default=list)
    received_at = models.DateTimeField(default=clock.now, db_index=True)
    raw = models.BinaryField()
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    status = models.CharField(
        max_length=12, choices=IntakeStatus.choices, default=IntakeStatus.RECEIVED
    )
    status_reason = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=500, blank=True)
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL)
    ticket_message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"intake {self.pk} ({self.status})"
