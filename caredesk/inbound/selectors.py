"""Reads of the intake log: what arrived, from where, and what became of it.

Raw email holds any customer's data, quarantined mail included, so only principals the access
policy lets read the intake log get anything here (admins); anyone else gets the NotFound a
missing row gets.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from caredesk.access import Action, Principal, intake_check, originals_visible
from caredesk.core import clock
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


def message_original_get(
    *, message_id: int, principal: Principal, ticket_reference: int | None = None
) -> InboundMessage:
    """The email a ticket's message was made from, raw bytes included, if `principal` may see
    that message (caredesk.access.originals_visible): the first intake row that made it (a
    redelivered copy points at the same message). NotFound for messages that came from no
    email (replies, notes) as for messages the principal may not see; with `ticket_reference`,
    also for a message on another ticket."""
    rows = InboundMessage.objects.filter(
        originals_visible(principal, via="ticket_message__"), ticket_message_id=message_id
    )
    if ticket_reference is not None:
        rows = rows.filter(ticket_message__ticket_id=ticket_reference)
    row = rows.order_by("pk").first() if 0 < message_id <= MAX_ID else None
    if row is None:
        raise NotFound(f"there is no original email for message {message_id}")
    return row


def acknowledgement_waits_for_intake() -> Q:
    """Held acknowledgements (due later than they were made, never tried) whose mailbox still
    has emails to process that arrived before them: one of those may join their ticket to the
    rest of its conversation. Held so at most CAREDESK_ACK_HOLD_MAX_SECONDS."""
    from caredesk.outbound.models import OutboundEmail

    waiting = InboundMessage.objects.filter(
        status=IntakeStatus.RECEIVED,
        mailbox_id=OuterRef("mailbox_id"),
        received_at__lte=OuterRef("created_at"),
    )
    since = clock.now() - timedelta(seconds=settings.CAREDESK_ACK_HOLD_MAX_SECONDS)
    return Q(
        Exists(waiting),
        kind=OutboundEmail.Kind.ACKNOWLEDGEMENT,
        attempts=0,
        next_attempt_at__gt=F("created_at"),
        created_at__gt=since,
    )
