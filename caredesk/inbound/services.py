from __future__ import annotations

from caredesk.inbound.models import InboundMessage, IntakeStatus
from caredesk.inbound.process import inbound_process


def intake_reprocess(*, ids: list[int], quarantined: bool = False) -> list[tuple[int, str]]:
    """Process stored emails again from their raw bytes. Safe for any row: an email already on
    a ticket is recognised as a duplicate. Mail kept for the postmaster is left as it is: it
    never becomes a ticket (which would acknowledge whoever wrote to postmaster@)."""
    rows = InboundMessage.objects.exclude(status=IntakeStatus.POSTMASTER)
    rows = rows.filter(status=IntakeStatus.QUARANTINED) if quarantined else rows.filter(pk__in=ids)
    done = []
    for intake_id in list(rows.values_list("pk", flat=True)):
        InboundMessage.objects.filter(pk=intake_id).update(
            status=IntakeStatus.RECEIVED, status_reason=""
        )
        done.append((intake_id, inbound_process(intake_id=intake_id)))
    return done
