from __future__ import annotations

from django.db import IntegrityError, transaction

from caredesk.core import clock
from caredesk.customers.models import Customer, CustomerAddress


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
