"""An agent's reply to the customer: a conversation entry and an outbox row, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.core.text import clean_text, normalise_subject
from caredesk.history.events import replied_event
from caredesk.language.detect import language_detect
from caredesk.mailboxes.models import Mailbox
from caredesk.mailboxes.senders import sender_name
from caredesk.outbound.models import OutboundEmail
from caredesk.outbound.reply_body import Quoted, reply_body
from caredesk.sla.models import Calendar
from caredesk.tickets.attachments import Upload, uploads_check
from caredesk.tickets.changes import ticket_changing
from caredesk.tickets.models import INBOUND_KINDS, Message, MessageKind, Participant, Status, Ticket
from caredesk.tickets.outgoing import OutgoingEmail, ticket_email_send
from caredesk.tickets.services import status_apply, ticket_participants_add

MAX_REFERENCES = 20
# A customer can paste a 30 MB log: the quote below a reply stops after this many characters.
QUOTE_MAX_CHARS = 20_000


def _thread_headers(ticket: Ticket) -> tuple[str, list[str]]:
    """In-Reply-To (the customer's latest email) and References (the thread, oldest first)."""
    emails = [
        (mid or "", kind)
        for mid, kind in Message.objects.filter(ticket=ticket, message_id__isnull=False)
        .exclude(kind=MessageKind.NOTE)
        .order_by("created_at", "id")
        .values_list("message_id", "kind")
    ]
    in_reply_to = next((mid for mid, kind in reversed(emails) if kind in INBOUND_KINDS), "")
    ids = [mid for mid, _ in emails]
    # Keep the first (the thread's root) and the most recent ones, as RFC 5322 suggests.
    if len(ids) > MAX_REFERENCES:
        ids = [ids[0], *ids[-(MAX_REFERENCES - 1) :]]
    return in_reply_to or (ids[-1] if ids else ""), ids


def _team_zone(ticket: Ticket, mailbox: Mailbox) -> ZoneInfo:
    """The zone the team answering the ticket works in: its team's calendar, else the
    mailbox's, else the default calendar's (UTC when there is none yet)."""
    ids = [c for c in (ticket.team.calendar_id if ticket.team else None, mailbox.calendar_id) if c]
    zones = dict(Calendar.objects.filter(pk__in=ids).values_list("pk", "timezone"))
    zone = next((zones[c] for c in ids if c in zones), None)
    if zone is None:
        zone = (
            Calendar.objects.filter(is_default=True)
            .order_by("pk")
            .values_list("timezone", flat=True)
            .first()
        )
    try:
        return ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# The languages the line above a quote is written in (caredesk.outbound.reply_body).
QUOTE_LANGUAGES = ("en", "de", "fr", "es")


def reply_language(text: str, *, customer: str, mailbox: Mailbox) -> str:
    """The language a reply is written in, for the words caredesk adds to it (the line above
    the quote): the one the agent wrote it in when clear, else the customer's, else the
    mailbox's. A German reply to a German customer says "Am ... schrieb", not "On ... wrote"."""
    written = language_detect(text, languages=QUOTE_LANGUAGES)
    if written.known:
        return written.language
    return customer or mailbox.language


def _quoted(ticket: Ticket, mailbox: Mailbox) -> Quoted | None:
    """The customer's latest message, to quote below a reply: what they wrote then (without
    the history they quoted themselves), when their email says it was sent, in the team's zone.
    None when the mailbox quotes nothing or the customer has not written."""
    if not mailbox.quote_previous:
        return None
    latest = (
        Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER)
        .order_by("-created_at", "-id")
        .only("new_text", "text", "from_name", "from_address", "sent_at", "created_at")
        .first()
    )
    if latest is None:
        return None
    text = (latest.new_text or latest.text).strip()
    if len(text) > QUOTE_MAX_CHARS:
        text = text[:QUOTE_MAX_CHARS].rstrip() + "\n[…]"
    at = (latest.sent_at or latest.created_at).astimezone(_team_zone(ticket, mailbox))
    return Quoted(name=latest.from_name or latest.from_address, at=at, text=text)


def reply_recipients(participants: Iterable[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Who a reply goes to, from a ticket's (address, role) participants: the customer who
    asked, and everyone else taking part in CC. The composer shows both before sending."""
    people = list(participants)
    to = [a for a, role in people if role == Participant.Role.REQUESTER][:1]
    return to, [a for a, role in people if role == Participant.Role.CC and a not in to]


def ticket_reply(
    *,
    ticket: Ticket,
    author: Agent,
    text: str,
    cc: list[str] | None = None,
    status_after: str | None = None,
    attachments: Sequence[Upload] = (),
) -> Message:
    """Email the customer (and the ticket's CCs): `attachments` go with it as files. The
    ticket then takes `status_after` (by default: open, if it was new)."""
    text = clean_text(text)
    if not text:
        raise InvalidRequest("a reply needs some text")
    files = tuple(uploads_check(attachments))
    cc = [a.strip().lower() for a in (cc or []) if a.strip()]
    for address in cc:
        try:
            validate_email(address)
        except ValidationError:
            raise InvalidRequest(f"{address!r} is not an email address") from None
    with ticket_changing(ticket) as change:
        to, all_cc = reply_recipients(ticket.participants.values_list("address", "role"))
        if not to:
            raise InvalidRequest("this ticket has no customer address to reply to")
        all_cc += [a for a in cc if a not in all_cc and a not in to]
        in_reply_to, references = _thread_headers(ticket)
        mailbox = ticket.mailbox
        body = reply_body(
            text=text,
            signature=author.signature,
            quoted=_quoted(ticket, mailbox),
            language=reply_language(text, customer=ticket.customer.language, mailbox=mailbox),
        )
        message = ticket_email_send(
            ticket=ticket,
            email=OutgoingEmail(
                kind=OutboundEmail.Kind.REPLY,
                to=to,
                cc=all_cc,
                subject=f"Re: {normalise_subject(ticket.subject)} [{ticket.reference}]",
                text=f"{text}\n\n-- \n{author.signature}" if author.signature.strip() else text,
                email_text=body.text,
                html=body.html,
                new_text=text,
                from_name=author.name,
                sender_name=sender_name(
                    pattern=mailbox.sender_format, agent=author.name, mailbox=mailbox.name
                ),
                author=author,
                in_reply_to=in_reply_to,
                references=references,
                attachments=files,
            ),
        )
        if cc:
            ticket_participants_add(ticket=ticket, people=[(a, "") for a in cc])
        change.record(replied_event(ticket=ticket, message_id=message.pk, actor_id=author.pk))
        ticket.updated_at = clock.now()
        change.save("updated_at")
        change.retime(agent_replied=True)
        new_status = status_after or (Status.OPEN if ticket.status == Status.NEW else ticket.status)
        status_apply(change, status=new_status, actor=author)
    return message
