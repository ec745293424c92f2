from __future__ import annotations

from django.db import models
from django.db.models import Q

from caredesk.core import clock
from caredesk.core.models import TimestampedModel

DUPLICATE = "This email already has a wording for that mailbox and language: edit that one."


class SystemEmail(TimestampedModel):
    """An admin's wording of one kind of system email, for one mailbox (or, with no mailbox,
    for all of them) in one language. Without one, the shipped wording is used
    (caredesk.system_emails.shipped). `kind` is a key of caredesk.system_emails.kinds.KINDS,
    checked by the service that saves it, so a new kind needs no migration."""

    kind = models.CharField(max_length=40)
    mailbox = models.ForeignKey(
        "mailboxes.Mailbox",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="system_emails",
        help_text="Empty: every mailbox without a wording of its own",
    )
    language = models.CharField(max_length=10, help_text="Primary language code: en, de, ja, ...")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "system email"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "mailbox", "language"],
                condition=Q(mailbox__isnull=False),
                name="system_email_one_per_mailbox_language",
                violation_error_message=DUPLICATE,
            ),
            models.UniqueConstraint(
                fields=["kind", "language"],
                condition=Q(mailbox__isnull=True),
                name="system_email_one_for_all_mailboxes_per_language",
                violation_error_message=DUPLICATE,
            ),
        ]

    def __str__(self) -> str:
        where = self.mailbox.address if self.mailbox_id and self.mailbox else "all mailboxes"
        return f"{self.kind} · {where} · {self.language}"
