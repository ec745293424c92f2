"""A delivery status notification for one of our emails: mark it failed, show it, flag the
address. Bounces never become tickets."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from caredesk.core.text import mask_address
from caredesk.customers.services import customer_address_flag_bounced
from caredesk.inbound.types import ParsedEmail
from caredesk.outbound.compose import BOUNCE_TAG_PREFIX
from caredesk.outbound.models import OutboundEmail
from caredesk.outbound.services import outbound_mark_bounced
from caredesk.tickets.outgoing import ticket_bounce_record

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BounceOutcome:
    outbound: OutboundEmail | None
    reason: str


def _find_outbound(parsed: ParsedEmail, tags: Sequence[str]) -> OutboundEmail | None:
    for tag in tags:
        if tag.startswith(BOUNCE_TAG_PREFIX):
            found = OutboundEmail.objects.filter(bounce_token=tag[len(BOUNCE_TAG_PREFIX) :]).first()
            if found is not None:
                return found
    if parsed.bounce and parsed.bounce.original_message_id:
        return OutboundEmail.objects.filter(message_id=parsed.bounce.original_message_id).first()
    return None


def bounce_record(*, parsed: ParsedEmail, tags: Sequence[str]) -> BounceOutcome:
    email = _find_outbound(parsed, tags)
    if email is None:
        return BounceOutcome(None, "bounce for an email we did not send (or no longer know)")
    report = parsed.bounce
    diagnostic = (report.diagnostic or report.status) if report else ""
    diagnostic = diagnostic or parsed.subject or "delivery failed"
    permanent = report.permanent if report else True
    failed = list(report.recipients) if report and report.recipients else list(email.to)
    outbound_mark_bounced(email=email, diagnostic=diagnostic, permanent=permanent)
    for address in failed:
        if permanent:
            customer_address_flag_bounced(address=address, reason=diagnostic)
    if email.ticket_id is not None:
        ticket_bounce_record(
            email=email, recipients=len(failed), diagnostic=diagnostic, permanent=permanent
        )
    log.info(
        "outbound %s bounced for %s: %s",
        email.pk,
        ", ".join(mask_address(a) for a in failed),
        diagnostic,
    )
    return BounceOutcome(email, f"bounce of outbound email {email.pk}")
