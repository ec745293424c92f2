from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from functools import cache

from django.db import IntegrityError, transaction

from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.customers.models import Customer, CustomerAddress, LanguageSource, Organisation


class Unset:
    """The organisation left as it is (None there means "no organisation")."""


UNSET = Unset()


def customer_for_address(*, address: str, name: str = "") -> Customer:
    """The customer who writes from `address`, created (named after the display name) if new."""
    address = address.strip().lower()
    found = CustomerAddress.objects.select_related("customer").filter(address=address).first()
    if found:
        customer = found.customer
        if name and not customer.name:
            customer.name = name
            customer.save(update_fields=["name"])
        return customer
    try:
        with transaction.atomic():
            customer = Customer.objects.create(name=name or "")
            CustomerAddress.objects.create(customer=customer, address=address)
            return customer
    except IntegrityError:
        # Another worker created the same address a moment ago.
        found = CustomerAddress.objects.select_related("customer").get(address=address)
        return found.customer


def customer_address_flag_bounced(*, address: str, reason: str) -> None:
    CustomerAddress.objects.filter(address=address.strip().lower()).update(
        bounced_at=clock.now(), bounce_reason=reason[:500]
    )


@dataclass(frozen=True)
class CustomerChanges:
    """What to change about a customer; None leaves a field as it is."""

    name: str | None = None
    language: str | None = None
    timezone: str | None = None
    organisation_id: int | Unset | None = UNSET  # None: no organisation
    tier: str | None = None
    vip: bool | None = None

    def fields(self) -> frozenset[str]:
        """The names of the fields this changes (organisation as "organisation")."""
        named = {f.name for f in dataclass_fields(self) if getattr(self, f.name) is not None}
        named.discard("organisation_id")
        if not isinstance(self.organisation_id, Unset):
            named.add("organisation")
        return frozenset(named)


# A language tag as customers' emails and the desk's settings spell it: "de", "pt-BR".
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")


def customer_update(*, customer: Customer, changes: CustomerChanges) -> list[str]:
    """Correct what caredesk knows about a customer. Every value is checked before anything is
    saved; InvalidRequest says what is wrong. Returns the names of the fields that changed."""
    problems: list[str] = []
    new: dict[str, object] = {}
    if changes.name is not None:
        name = " ".join(changes.name.split())
        if len(name) > 200:
            problems.append("a name is at most 200 characters")
        new["name"] = name
    if changes.language is not None:
        language = changes.language.strip()
        if language and not LANGUAGE.fullmatch(language):
            problems.append(
                f"language {language[:20]!r} is not a language code such as de or pt-BR"
            )
        new["language"] = language
        # An agent's choice wins over detection from then on; clearing it hands back to detection.
        new["language_source"] = LanguageSource.AGENT if language else LanguageSource.NONE
    if changes.timezone is not None:
        zone = changes.timezone.strip()
        if zone and zone not in _zones():
            problems.append(f"time zone {zone[:64]!r} is not one such as Europe/Berlin")
        new["timezone"] = zone
    if not isinstance(changes.organisation_id, Unset):
        wanted = changes.organisation_id
        if wanted is not None and not Organisation.objects.filter(pk=wanted).exists():
            problems.append(f"there is no organisation {wanted}")
        new["organisation_id"] = wanted
    if changes.tier is not None:
        tier = changes.tier.strip()
        if len(tier) > 50:
            problems.append("a tier is at most 50 characters")
        new["tier"] = tier
    if changes.vip is not None:
        new["vip"] = changes.vip
    if problems:
        raise InvalidRequest("; ".join(problems))
    changed = [field for field, value in new.items() if getattr(customer, field) != value]
    for field in changed:
        setattr(customer, field, new[field])
    if changed:
        customer.save(update_fields=changed)
    return [field.removesuffix("_id") for field in changed if field != "language_source"]


def customer_language_detect(*, customer: Customer, language: str) -> bool:
    """Take `language`, detected with confidence from what the customer wrote, as their language
    (in memory; the caller saves): the latest confident detection wins, unless an agent chose
    their language. Returns whether anything changed."""
    if customer.language_source == LanguageSource.AGENT:
        return False
    if customer.language == language and customer.language_source == LanguageSource.DETECTED:
        return False
    customer.language = language
    customer.language_source = LanguageSource.DETECTED
    return True


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())
