"""The automatic "we have your message" email for a new ticket."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F, Q

from caredesk.core import clock
from caredesk.core.text import first_name
from caredesk.history.events import Event, acknowledgement_skipped_event
from caredesk.outbound.models import DeliveryStatus, OutboundEmail
from caredesk.sla.promise import promise_phrase
from caredesk.sla.services import ReplyPromise
from caredesk.system_emails.choose import Overrides, acknowledgement_language
from caredesk.system_emails.kinds import ACKNOWLEDGEMENT, kind_get
from caredesk.system_emails.services import system_email_compose
from caredesk.tickets.models import Message, Ticket
from caredesk.tickets.outgoing import OutgoingEmail

# Local parts of addresses that no person reads: answering them only feeds another robot.
UNATTENDED = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]daemon|postmaster|bounces?)([-+_.].*)?$",
    re.IGNORECASE,
)


def acknowledgements_sent_last_hour(addresses: Iterable[str]) -> dict[str, int]:
    """How many acknowledgements went to each address in the last hour (absent: none)."""
    wanted = sorted(set(addresses))
    if not wanted:
        return {}
    since = clock.now() - timedelta(hours=1)
    rows = (
        OutboundEmail.objects.filter(
            kind=OutboundEmail.Kind.ACKNOWLEDGEMENT, recipient__in=wanted, created_at__gte=since
        )
        .values_list("recipient")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def acknowledgement_allowed(*, address: str, sent_last_hour: int) -> bool:
    """No acknowledgement to unattended addresses, and at most CAREDESK_ACK_LIMIT_PER_HOUR to
    one address an hour, so two automatic responders can never keep answering each other."""
    if not address or UNATTENDED.match(address.partition("@")[0]):
        return False
    return sent_last_hour < settings.CAREDESK_ACK_LIMIT_PER_HOUR


def acknowledgement_when(
    *, promise: ReplyPromise | None, customer_timezone: str, language: str = "en"
) -> str:
    """When a person will reply, as the acknowledgement says it in `language`: the reply
    target's due time (rounded up, never earlier) in the customer's time zone when known, else
    the team's. Empty without a reply target (the email's wording says "as soon as we can")."""
    if promise is None:
        return ""
    now = clock.now()
    for zone in (customer_timezone, promise.timezone):
        try:
            return promise_phrase(due=promise.due, now=now, timezone=zone, language=language)
        except ValueError:
            continue
    return promise_phrase(due=promise.due, now=now, timezone="UTC", language=language)


def acknowledgement_email(
    *,
    ticket: Ticket,
    trigger: Message,
    promise: ReplyPromise | None,
    overrides: Overrides | None = None,
) -> OutgoingEmail:
    """The acknowledgement of `trigger`, the customer's first message on the new `ticket`
    (which must be saved: the reference is its number). `promise` is when the ticket's reply
    target falls due, if a policy sets one. `overrides` are the admins' wordings of the
    acknowledgement, loaded once for a whole batch (decision 0005); without them they are read
    here.

    Written in the language of docs/system-emails.md: the one detected, when sure, in
    `trigger`, else the customer's, else the mailbox's, else English; the promise in the
    same language as the wording found."""
    mailbox = ticket.mailbox
    customer = ticket.customer
    language = acknowledgement_language(
        detected=trigger.language,
        confidence=trigger.language_confidence,
        customer_language=customer.language,
        mailbox_language=mailbox.language,
    )
    name = trigger.from_name or customer.name

    def values(written_in: str) -> dict[str, str]:
        return {
            "customer.name": "" if "@" in name else name,
            "customer.first_name": first_name(name),
            "ticket.reference": ticket.reference,
            "ticket.subject": ticket.subject,
            "ticket.promised_reply": acknowledgement_when(
                promise=promise, customer_timezone=customer.timezone, language=written_in
            ),
            "mailbox.name": mailbox.name or mailbox.address,
        }

    composed = system_email_compose(
        kind=kind_get(ACKNOWLEDGEMENT),
        values=values,
        language=language,
        mailbox=mailbox,
        overrides=overrides,
    )
    return OutgoingEmail(
        kind=OutboundEmail.Kind.ACKNOWLEDGEMENT,
        to=[trigger.from_address],
        subject=composed.subject,
        text=composed.body,
        new_text=composed.body,
        from_name=mailbox.name,
        in_reply_to=trigger.message_id or "",
        references=[*trigger.references.split(), trigger.message_id or ""],
    )


def acknowledged_first(tickets: Sequence[Ticket]) -> list[Ticket]:
    """`tickets` (parts of one conversation, oldest first) with the one whose acknowledgement
    went out first moved to the front: merged into it, the customer keeps the ticket number
    they were told."""
    told = (
        OutboundEmail.objects.filter(
            ticket__in=[t.pk for t in tickets], kind=OutboundEmail.Kind.ACKNOWLEDGEMENT
        )
        .filter(Q(status=DeliveryStatus.SENT) | Q(attempts__gt=0))
        .order_by(F("sent_at").asc(nulls_last=True), "pk")
        .values_list("ticket_id", flat=True)
        .first()
    )
    return sorted(tickets, key=lambda t: t.pk != told)


def acknowledgements_settle(*, source: Ticket, target: Ticket) -> list[Event]:
    """After `source` was merged into `target`: one acknowledgement per person for the
    conversation.

    To each address, an acknowledgement that went out (or is being sent: it was attempted)
    stays the only one, and those still waiting are dropped. When none went out, the oldest
    waiting one is kept and, if it named `source`, names `target` instead: the customer learns
    one ticket number, the one that stays. (Two customers' tickets merged by an agent still
    acknowledge each customer.) Runs in the merge's transaction; the rows are locked, so a worker
    cannot claim one meanwhile. Returns the events to record on `target`."""
    acks = list(
        OutboundEmail.objects.select_for_update()
        .filter(ticket=target, kind=OutboundEmail.Kind.ACKNOWLEDGEMENT)
        .exclude(status=DeliveryStatus.FAILED)
        .order_by("pk")
    )
    by_recipient: dict[str, list[OutboundEmail]] = {}
    for ack in acks:
        by_recipient.setdefault(ack.recipient, []).append(ack)
    kept: list[OutboundEmail] = []
    dropped: list[OutboundEmail] = []
    for same in by_recipient.values():
        waiting = [a for a in same if a.status == DeliveryStatus.QUEUED and a.attempts == 0]
        gone = len(waiting) < len(same)
        kept += [] if gone else waiting[:1]
        dropped += waiting if gone else waiting[1:]
    events: list[Event] = []
    if dropped:
        Message.objects.filter(pk__in=[a.ticket_message_id for a in dropped]).delete()
        OutboundEmail.objects.filter(pk__in=[a.pk for a in dropped]).delete()
        events.append(
            acknowledgement_skipped_event(
                ticket=target, why="this conversation was acknowledged once already"
            )
        )
    for keep in kept:
        if source.reference in keep.subject:
            _rename(keep, old=source.reference, new=target.reference)
    return events


def _rename(ack: OutboundEmail, *, old: str, new: str) -> None:
    """`ack` (not sent yet) names ticket `new` where it named `old`."""
    tagged = re.compile(re.escape(old) + r"(?!\d)")
    ack.subject = tagged.sub(new, ack.subject)
    ack.text = tagged.sub(new, ack.text)
    ack.save(update_fields=["subject", "text"])
    Message.objects.filter(outbound=ack).update(
        subject=ack.subject, text=ack.text, new_text=ack.text
    )
