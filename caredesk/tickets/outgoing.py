"""An email we send on a ticket: its entry in the conversation and its outbox row, together."""

from __future__ import annotations

from dataclasses import dataclass, field

from caredesk.accounts.models import Agent
from caredesk.history.events import (
    Event,
    bounced_event,
    delivery_failed_event,
    delivery_retried_event,
)
from caredesk.outbound.compose import new_message_id
from caredesk.outbound.models import OutboundEmail
from caredesk.outbound.services import outbound_announce, outbound_build
from caredesk.tickets.attachments import Upload, attachments_store
from caredesk.tickets.changes import events_save
from caredesk.tickets.hooks import ticket_changed_announce
from caredesk.tickets.models import Message, MessageKind, Ticket

# The conversation entry's kind for each kind of outgoing email.
ENTRY_KIND: dict[str, str] = {
    OutboundEmail.Kind.REPLY: MessageKind.REPLY,
    OutboundEmail.Kind.ACKNOWLEDGEMENT: MessageKind.ACKNOWLEDGEMENT,
}


@dataclass(frozen=True)
class OutgoingEmail:
    kind: str  # an OutboundEmail.Kind
    to: list[str]
    subject: str
    text: str  # the whole body as written, signature included
    new_text: str  # what the author wrote, for the timeline
    from_name: str  # who wrote it, for the timeline
    # What the email carries when it is more than `text` (a reply: the text as sent, with the
    # customer's message quoted, and its HTML alternative, cleaned), and the display name on
    # its From when that is not `from_name` ("Ann at Example Support").
    email_text: str = ""
    html: str = ""
    sender_name: str = ""
    cc: list[str] = field(default_factory=list)
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    author: Agent | None = None
    attachments: tuple[Upload, ...] = ()  # checked (tickets.attachments.uploads_check)


def outgoing_build(*, ticket: Ticket, email: OutgoingEmail) -> tuple[Message, OutboundEmail]:
    """The conversation entry and the outbox row for `email`, not saved yet (save the entry
    first). Both share one Message-ID, so a reply to it threads back here."""
    mailbox = ticket.mailbox
    message_id = new_message_id(mailbox=mailbox, ticket_id=ticket.pk)
    references = [r for r in email.references if r]
    message = Message(
        ticket=ticket,
        mailbox=mailbox,
        kind=ENTRY_KIND[email.kind],
        author=email.author,
        from_address=mailbox.address,
        from_name=email.from_name,
        to=email.to,
        cc=email.cc,
        subject=email.subject,
        text=email.text,
        new_text=email.new_text,
        message_id=message_id,
        in_reply_to=email.in_reply_to,
        references=" ".join(references),
    )
    outbound = outbound_build(
        mailbox=mailbox,
        ticket=ticket,
        kind=email.kind,
        to=email.to,
        cc=email.cc,
        subject=email.subject,
        text=email.email_text or email.text,
        message_id=message_id,
        in_reply_to=email.in_reply_to,
        references=references,
        message=message,
        from_name=email.sender_name or email.from_name,
        html=email.html,
    )
    return message, outbound


def ticket_email_send(*, ticket: Ticket, email: OutgoingEmail) -> Message:
    """Record `email` in the ticket's conversation and queue it for delivery, in the caller's
    transaction; it is sent once that commits. Its files are stored on the conversation entry,
    and the outbox row lists them, so every delivery attempt sends the same ones."""
    message, outbound = outgoing_build(ticket=ticket, email=email)
    message.save()
    files = attachments_store(message=message, uploads=email.attachments)
    outbound.ticket_message = message
    outbound.save()
    if files:
        outbound.attachments.set(files)
    outbound_announce([outbound])
    return message


def ticket_delivery_failed_record(email: OutboundEmail) -> None:
    """Show on its ticket that delivery gave up on `email` (called in the transaction that
    marks it failed)."""
    if email.ticket_id is not None:
        _record(
            delivery_failed_event(
                ticket=Ticket(pk=email.ticket_id),
                outbound_id=email.pk,
                recipients=len(email.to) + len(email.cc),
                error=email.last_error,
                attempts=email.attempts,
            )
        )


def ticket_delivery_retried_record(email: OutboundEmail, actor: Agent) -> None:
    """Show on its ticket that `actor` queued the failed `email` again."""
    if email.ticket_id is not None:
        _record(
            delivery_retried_event(
                ticket=Ticket(pk=email.ticket_id), outbound_id=email.pk, actor_id=actor.pk
            )
        )


def ticket_bounce_record(
    *, email: OutboundEmail, recipients: int, diagnostic: str, permanent: bool
) -> None:
    """Show on its ticket that `email` bounced."""
    if email.ticket_id is not None:
        _record(
            bounced_event(
                ticket=Ticket(pk=email.ticket_id),  # only its id is needed to record on it
                outbound_id=email.pk,
                recipients=recipients,
                diagnostic=diagnostic,
                permanent=permanent,
            )
        )


def _record(event: Event) -> None:
    ticket_changed_announce(events_save([event]))
