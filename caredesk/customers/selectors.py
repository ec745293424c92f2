from __future__ import annotations

from collections.abc import Iterable

from caredesk.customers.models import Customer, CustomerAddress, Organisation, OrganisationDomain


def customers_by_address(addresses: Iterable[str]) -> dict[str, Customer]:
    """The customers who write from these (lower-case) addresses, by address; unknown ones are
    absent."""
    wanted = sorted(set(addresses))
    if not wanted:
        return {}
    found = CustomerAddress.objects.select_related("customer__organisation").filter(
        address__in=wanted
    )
    return {row.address: row.customer for row in found}


def organisations_by_domain(domains: Iterable[str]) -> dict[str, Organisation]:
    """The organisations new customers from these (lower-case) email domains belong to."""
    wanted = sorted(set(domains))
    if not wanted:
        return {}
    found = OrganisationDomain.objects.select_related("organisation").filter(domain__in=wanted)
    return {row.domain: row.organisation for row in found}
