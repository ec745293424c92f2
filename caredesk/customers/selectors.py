from __future__ import annotations

from collections.abc import Iterable

from caredesk.customers.models import Customer, CustomerAddress


def customers_by_address(addresses: Iterable[str]) -> dict[str, Customer]:
    """The customers who write from these (lower-case) addresses, by address; unknown ones are
    absent."""
    wanted = sorted(set(addresses))
    if not wanted:
        return {}
    found = CustomerAddress.objects.select_related("customer").filter(address__in=wanted)
    return {row.address: row.customer for row in found}
