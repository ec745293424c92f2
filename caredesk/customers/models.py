from __future__ import annotations

from django.db import models

from caredesk.core.models import TimestampedModel


class Organisation(TimestampedModel):
    """A company whose people write to support. Customers join it by their address's domain."""

    name = models.CharField(max_length=200, unique=True)
    tier = models.CharField(
        max_length=50, blank=True, help_text="Service tier, e.g. enterprise; SLA policies match it"
    )
    vip = models.BooleanField(default=False, help_text="Everyone here gets VIP priority")

    def __str__(self) -> str:
        return self.name


class OrganisationDomain(models.Model):
    """An email domain whose new customers belong to an organisation (example.com)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    def __str__(self) -> str:
        return self.domain


class LanguageSource(models.TextChoices):
    NONE = "", "Not known"
    DETECTED = "detected", "Detected from their emails"
    AGENT = "agent", "Set by an agent"


class Customer(TimestampedModel):
    name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10, blank=True)
    # Where `language` comes from. Detection never overwrites an agent's choice.
    language_source = models.CharField(
        max_length=10, choices=LanguageSource.choices, blank=True, default=LanguageSource.NONE
    )
    timezone = models.CharField(
        max_length=64, blank=True, help_text="IANA zone, e.g. Europe/Berlin; promises use it"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    tier = models.CharField(
        max_length=50, blank=True, help_text="Overrides the organisation's tier when set"
    )
    vip = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name or f"customer {self.pk}"

    @property
    def effective_tier(self) -> str:
        if self.tier:
            return self.tier
        return self.organisation.tier if self.organisation is not None else ""

    @property
    def is_vip(self) -> bool:
        return self.vip or (self.organisation is not None and self.organisation.vip)


class CustomerAddress(TimestampedModel):
    """One email address of a customer. A customer may write from several."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    address = models.CharField(max_length=254, unique=True)
    # Set when mail to this address bounced permanently, so agents see it before replying.
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.address
