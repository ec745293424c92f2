from __future__ import annotations

from django.db import models

from caredesk.core.models import TimestampedModel


class Mailbox(TimestampedModel):
    """A support address customers write to, such as support@example.com.

    Replies go out from this address; the per-ticket reply address is `local+token@domain`.
    """

    address = models.CharField(max_length=254, unique=True)
    name = models.CharField(max_length=200, blank=True, help_text="Sender name on outgoing mail")
    acknowledge = models.BooleanField(default=True, help_text="Acknowledge new tickets by email")
    calendar = models.ForeignKey(
        "sla.Calendar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Business hours of the team answering here (empty: the default calendar)",
    )

    class Meta:
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return self.address

    @property
    def local_part(self) -> str:
        return self.address.partition("@")[0]

    @property
    def domain(self) -> str:
        return self.address.partition("@")[2]

    def tagged_address(self, tag: str) -> str:
        """`support+tag@example.com`: a reply or bounce address that still reaches this mailbox."""
        return f"{self.local_part}+{tag}@{self.domain}"
