"""Reads of the intake log: what arrived, from where, and what became of it.

Raw email holds any customer's data, quarantined mail included, so only principals the access
policy lets read the intake log get anything here (admins); anyone else gets the NotFound a
missing row gets.
"""

from __future__ import annotations

from django.db.models import QuerySet

from caredesk.access import Action, Principal, intake_check
from caredesk.core.errors import InvalidRequest, NotFound
from caredesk.inbound.models import InboundMessage, IntakeStatus

MAX_ID = 2**63 - 1


def inbound_list(*, principal: Principal, status: str | None = None) -> QuerySet[InboundMessage]:
    """Intake rows, newest first, without their raw bytes (which may be tens of megabytes)."""
    intake_check(principal, Action.VIEW, missing="there is no intake log")
    rows = InboundMessage.objects.defer("raw").select_related("mailbox")
    if status is not None:
        if status not in IntakeStatus.values:
            raise InvalidRequest(f"status must be one of {', '.join(IntakeStatus.values)}")
        rows = rows.filter(status=status)
    return rows.order_by("-received_at", "-id")


def inbound_get(*, intake_id: int, principal: Principal) -> InboundMessage:
    """One intake row, raw bytes included."""
    missing = f"there is no inbound message {intake_id}"
    intake_check(principal, Action.VIEW, missing=missing)
    row = InboundMessage.objects.filter(pk=intake_id).first() if 0 < intake_id <= MAX_ID else None
    if row is None:
        raise NotFound(missing)
    return row
