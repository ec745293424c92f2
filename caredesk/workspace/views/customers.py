"""A customer's page, and correcting what caredesk knows about them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caredesk.core.errors import Forbidden, InvalidRequest, NotFound
from caredesk.customers.models import Customer
from caredesk.customers.services import UNSET, CustomerChanges, Unset
from caredesk.workspace.customers import (
    customer_edit,
    customer_editable,
    customer_get,
    customer_tickets,
    organisations,
)
from caredesk.workspace.timezones import zone_choices
from caredesk.workspace.views._common import agent_of, refused

LABELS = {
    "name": "Name",
    "language": "Language",
    "timezone": "Time zone",
    "organisation": "Organisation",
    "tier": "Tier",
    "vip": "VIP",
}


def _page(
    request: HttpRequest, customer: Customer, *, status: int = 200, form_open: bool = False
) -> HttpResponse:
    agent = agent_of(request)
    tickets, total = customer_tickets(agent=agent, customer=customer)
    editable = customer_editable(agent=agent)
    addresses = [a.address for a in customer.addresses.all()]
    context = {
        "customer": customer,
        "title": customer.name or (addresses[0] if addresses else f"Customer {customer.pk}"),
        "tickets": tickets,
        "total": total,
        "editable": editable,
        "organisations": organisations() if "organisation" in editable else [],
        "zones": zone_choices(customer.timezone),
        "form_open": form_open,
    }
    return render(request, "workspace/customer.html", context, status=status)


@login_required
def customer(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = customer_get(agent=agent_of(request), pk=pk)
    except NotFound as exc:
        return refused(request, exc)
    return _page(request, found)


def _changes(form: QueryDict) -> CustomerChanges:
    """What the form asks to change: only the fields it holds (a form shows an agent only the
    fields they may change; anything else sent is refused, not ignored)."""
    organisation: int | Unset | None = UNSET
    if "organisation" in form:
        value = form.get("organisation", "").strip()
        if value and not (value.isdigit() and len(value) < 19):
            raise InvalidRequest(f"organisation {value[:20]!r} is not one of the organisations")
        organisation = int(value) if value else None
    vip = form.getlist("vip")
    return CustomerChanges(
        name=form.get("name"),
        language=form.get("language"),
        timezone=form.get("timezone"),
        organisation_id=organisation,
        tier=form.get("tier"),
        vip=(vip[-1] == "1") if vip else None,
    )


@login_required
@require_POST
def customer_save(request: HttpRequest, pk: int) -> HttpResponse:
    agent = agent_of(request)
    try:
        found = customer_get(agent=agent, pk=pk)
    except NotFound as exc:
        return refused(request, exc)
    try:
        changed = customer_edit(agent=agent, customer=found, changes=_changes(request.POST))
    except Forbidden as exc:
        return refused(request, exc)
    except InvalidRequest as exc:
        messages.error(request, f"Nothing was saved: {exc}.")
        found.refresh_from_db()
        return _page(request, found, status=400, form_open=True)
    if changed:
        said = ", ".join(LABELS.get(field, field).lower() for field in changed)
        messages.success(request, f"Saved the customer's {said}.")
    else:
        messages.info(request, "Nothing changed.")
    return redirect("workspace:customer", pk=found.pk)
