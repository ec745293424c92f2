from __future__ import annotations

from django.db import models

from caredesk.core.models import TimestampedModel


class Customer(TimestampedModel):
    name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return self.name or f"customer {self.pk}"


class CustomerAddress(TimestampedModel):
    """One email address of a customer. A customer may write from several."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    address = models.CharField(max_length=254, unique=True)
    # Set when mail to this address bounced permanently, so agents see it before replying.
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.address
