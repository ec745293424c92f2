"""The automatic "we have your message" email for a new ticket."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings

from caredesk.core import clock
from caredesk.outbound.models import OutboundEmail
from caredesk.tickets.models import Message, Ticket
from caredesk.tickets.outgoing import OutgoingEmail, ticket_email_send
from caredesk.tickets.services import ticket_event_record

# Local parts of addresses that no person reads: answering them only feeds another robot.
UNATTENDED = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]daemon|postmaster|bounces?)([-+_.].*)?$",
    re.IGNORECASE,
)


def acknowledgement_allowed(*, address: str, first_contact: bool = False) -> bool:
    """No acknowledgement to unattended addresses, and at most CAREDESK_ACK_LIMIT_PER_HOUR to
    one address an hour, so two automatic responders can never keep answering each other.

    `first_contact`: the address was new to us a moment ago, so nothing can have gone to it.
    """
    if UNATTENDED.match(address.partition("@")[0]):
        return False
    if first_contact:
        return True
    since = clock.now() - timedelta(hours=1)
    sent = OutboundEmail.objects.filter(
        kind=OutboundEmail.Kind.ACKNOWLEDGEMENT, recipient=address, created_at__gte=since
    ).count()
    return sent < settings.CAREDESK_ACK_LIMIT_PER_HOUR


def acknowledgement_text(*, ticket: Ticket, name: str, hours: int) -> str:
    due = clock.now() + timedelta(hours=hours)
    greeting = f"Hello {name}," if name else "Hello,"
    team = ticket.mailbox.name or "our support team"
    return (
        f"{greeting}\n\n"
        f"Thank you for writing to {team}. We have your message and opened ticket "
        f"{ticket.reference}:\n\n"
        f"    {ticket.subject}\n\n"
        f"A person from our team will reply by {due:%A %d %B, %H:%M} UTC at the latest "
        f"(within {hours} hours).\n\n"
        f"If you have anything to add, just reply to this email.\n\n"
        f"{team}\n"
    )


def acknowledgement_queue(
    *, ticket: Ticket, trigger: Message, first_contact: bool = False
) -> OutboundEmail | None:
    """Queue the acknowledgement of `trigger`, the customer's first message on a new ticket."""
    mailbox = ticket.mailbox
    address = trigger.from_address
    if not mailbox.acknowledge or not address:
        return None
    if not acknowledgement_allowed(address=address, first_contact=first_contact):
        ticket_event_record(
            ticket=ticket, kind="acknowledgement_skipped", why="unattended address or rate limit"
        )
        return None
    text = acknowledgement_text(
        ticket=ticket, name=trigger.from_name, hours=mailbox.first_response_hours
    )
    message = ticket_email_send(
        ticket=ticket,
        email=OutgoingEmail(
            kind=OutboundEmail.Kind.ACKNOWLEDGEMENT,
            to=[address],
            subject=f"Re: {ticket.subject} [{ticket.reference}]",
            text=text,
            new_text=text,
            from_name=mailbox.name,
            in_reply_to=trigger.message_id or "",
            references=[*trigger.references.split(), trigger.message_id or ""],
        ),
    )
    return message.outbound
