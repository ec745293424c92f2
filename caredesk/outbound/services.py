"""Queueing and delivering outgoing email. Every email is a row before it is sent."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet

from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.core.bulk import rows_update
from caredesk.core.text import mask_address
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound import claims, compose
from caredesk.outbound.models import DeliveryStatus, OutboundEmail
from caredesk.outbound.transports import DeliveryError, Envelope, get_transport

log = logging.getLogger(__name__)

# Told, inside the transaction that marks it, of every email delivery gave up on and of every
# failed email an agent queued again (tickets record both on the ticket's history; see
# `caredesk.tickets.apps`): outgoing mail sits below tickets and does not import them.
FailureListener = Callable[[OutboundEmail], None]
RetryListener = Callable[[OutboundEmail, Agent], None]
_failure_listeners: list[FailureListener] = []
_retry_listeners: list[RetryListener] = []
# Asked at every claim: queued emails to leave alone for now, as a filter on OutboundEmail
# (the intake registers one that holds an acknowledgement while the rest of its
# conversation waits to be processed; see `caredesk.inbound.apps`).
HoldRule = Callable[[], Q]
_hold_rules: list[HoldRule] = []


def outbound_on_failure(listener: FailureListener) -> None:
    """Call `listener` with each email that finally failed, in the transaction marking it."""
    if listener not in _failure_listeners:
        _failure_listeners.append(listener)


def outbound_on_retry(listener: RetryListener) -> None:
    """Call `listener` with each failed email queued again and who did it, in that
    transaction."""
    if listener not in _retry_listeners:
        _retry_listeners.append(listener)


def outbound_wake_held() -> None:
    """Send held emails whose time has come (held, they were passed over when their scheduled
    job ran): the intake calls this after each batch, which may be what they waited for."""
    from caredesk.outbound.tasks import deliver_outbound

    held = (
        OutboundEmail.objects.filter(
            status=DeliveryStatus.QUEUED,
            attempts=0,
            next_attempt_at__lte=clock.now(),
            next_attempt_at__gt=F("created_at"),
        )
        .values_list("pk", flat=True)
        .first()
    )
    if held is not None:
        deliver_outbound(held)


def outbound_hold_while(rule: HoldRule) -> None:
    """Leave queued emails matching `rule()` unclaimed until they no longer match."""
    if rule not in _hold_rules:
        _hold_rules.append(rule)


def outbound_build(
    *,
    mailbox: Mailbox,
    ticket: Any,  # the ticket (a tickets.Ticket) the email is about, if any
    kind: str,
    to: list[str],
    cc: list[str] | None = None,
    subject: str,
    text: str,
    message_id: str,
    in_reply_to: str = "",
    references: list[str] | None = None,
    message: Any = None,  # its entry in the ticket's conversation (a tickets.Message)
    from_name: str = "",
    html: str = "",
) -> OutboundEmail:
    """The outbox row, not saved yet: save it in the cause's transaction, then announce it."""
    return OutboundEmail(
        mailbox=mailbox,
        ticket=ticket,
        ticket_message=message,
        kind=kind,
        to=to,
        recipient=to[0] if to else "",
        cc=cc or [],
        subject=subject,
        from_name=from_name,
        text=text,
        html=html,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=" ".join(references or []),
    )


def outbound_announce(emails: Sequence[OutboundEmail]) -> None:
    """Once the caller's transaction commits, tell a worker there is mail to send. One job
    covers any number of emails: the worker sends everything that is due. Emails due later
    (held acknowledgements) get a job scheduled for when they fall due."""
    if not emails:
        return
    from caredesk.outbound.tasks import deliver_outbound

    now = clock.now()
    due = [e.pk for e in emails if e.next_attempt_at <= now]
    if due:
        transaction.on_commit(lambda: deliver_outbound(due[0]))
    held = [e for e in emails if e.next_attempt_at > now]
    if held:  # acknowledgements waiting for the rest of their conversation
        last = max(held, key=lambda e: e.next_attempt_at)

        def later() -> None:
            delay = (last.next_attempt_at - clock.now()).total_seconds()
            deliver_outbound.schedule((last.pk,), delay=max(delay, 0))

        transaction.on_commit(later)


def _backoff(attempts: int) -> timedelta:
    base = settings.CAREDESK_DELIVERY_BACKOFF_SECONDS
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 6 * 3600))


LEASE = timedelta(minutes=5)
DELIVERY_BATCH = 50


def _claimed() -> QuerySet[OutboundEmail]:
    return OutboundEmail.objects.filter(
        status=DeliveryStatus.QUEUED, next_attempt_at__gt=clock.now()
    ).exclude(claimed_by="")


def outbound_dead_claims() -> list[str]:
    """Tokens of dead workers that still hold claims (read-only: cheap to ask every second)."""
    tokens = set(_claimed().values_list("claimed_by", flat=True).distinct())
    return sorted(tokens - claims.live_tokens(tokens))


def _claim(ids: Sequence[int] | None, limit: int) -> list[OutboundEmail]:
    """Take queued emails whose time has come, so no other worker sends them meanwhile.

    The claim names this worker (`claimed_by`) and is a lease: `attempts` goes up and
    `next_attempt_at` moves 5 minutes ahead. If this worker dies mid-send its lock goes with
    it and any other worker takes the email over at once; the lease is the last resort.
    """
    me = claims.worker_token()
    dead = outbound_dead_claims()
    now = clock.now()
    with transaction.atomic():
        rows = (
            # of=self: PostgreSQL cannot lock the nullable side (ticket) of an outer join.
            OutboundEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("mailbox", "ticket")
            .prefetch_related("attachments")
            .filter(Q(next_attempt_at__lte=now) | Q(claimed_by__in=dead))
            .filter(status=DeliveryStatus.QUEUED)
            .order_by("next_attempt_at", "pk")
        )
        for rule in _hold_rules:
            rows = rows.exclude(rule())
        emails = list(rows.filter(pk__in=ids) if ids is not None else rows[:limit])
        if emails:
            OutboundEmail.objects.filter(pk__in=[e.pk for e in emails]).update(
                attempts=F("attempts") + 1, next_attempt_at=now + LEASE, claimed_by=me
            )
        for email in emails:
            email.attempts += 1
            email.next_attempt_at = now + LEASE
            email.claimed_by = me
    if dead and emails:
        log.info("took over outbound claimed by dead workers %s", ", ".join(dead))
    return emails


def _send(email: OutboundEmail) -> str:
    # Everything that can go wrong with one email is recorded on that email alone: the rest of
    # the batch goes on over the same (or, after an error, a fresh) connection.
    try:
        envelope = Envelope(
            mail_from=compose.bounce_address(email.mailbox, email.bounce_token),
            rcpt_to=tuple(compose.wire_address(a) for a in email.to + email.cc),
            data=compose.message_bytes(email),
        )
        get_transport().send(envelope)
    except DeliveryError as exc:
        return _record_failure(email, str(exc), permanent=exc.permanent)
    except Exception as exc:  # a bug or an unexpected transport error: retry, then show it
        log.exception("delivery of outbound %s crashed", email.pk)
        return _record_failure(email, f"internal error: {exc}", permanent=False)
    # Recorded at once, email by email: a worker that dies now must not send it a second time.
    email.status, email.sent_at, email.last_error = DeliveryStatus.SENT, clock.now(), ""
    email.claimed_by = ""
    rows_update([email], ["status", "sent_at", "last_error", "claimed_by"])
    return DeliveryStatus.SENT


def outbound_deliver(*, outbound_id: int) -> str:
    """Try to send one queued email now; its status afterwards ("skipped" if not due or taken)."""
    emails = _claim([outbound_id], 1)
    return _send(emails[0]) if emails else "skipped"


def outbound_take_over_dead() -> dict[int, str]:
    """Send what dead workers had claimed, if any (each worker asks every few seconds)."""
    return outbound_deliver_due() if outbound_dead_claims() else {}


def outbound_deliver_due(*, limit: int = DELIVERY_BATCH) -> dict[int, str]:
    """Send up to `limit` queued emails whose time has come, over one kept-open connection."""
    return {email.pk: _send(email) for email in _claim(None, limit)}


def _record_failure(email: OutboundEmail, error: str, *, permanent: bool) -> str:
    final = permanent or email.attempts >= settings.CAREDESK_DELIVERY_MAX_ATTEMPTS
    with transaction.atomic():
        if final:
            email.status = DeliveryStatus.FAILED
            log.info(
                "giving up on outbound %s to %s: %s",
                email.pk,
                ", ".join(mask_address(a) for a in email.to),
                error,
            )
            email.last_error = error[:1000]
            for listener in _failure_listeners:
                listener(email)
        else:
            email.next_attempt_at = clock.now() + _backoff(email.attempts)
        email.last_error, email.claimed_by = error[:1000], ""
        email.save(update_fields=["status", "next_attempt_at", "last_error", "claimed_by"])
    if not final:
        from caredesk.outbound.tasks import deliver_outbound

        delay = (email.next_attempt_at - clock.now()).total_seconds()
        deliver_outbound.schedule((email.pk,), delay=max(delay, 0))
    return email.status


def outbound_due_ids(*, limit: int = 500) -> list[int]:
    """Queued emails whose time has come (the safety net when a scheduled retry was lost)."""
    return list(
        OutboundEmail.objects.filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def outbound_mark_bounced(*, email: OutboundEmail, diagnostic: str, permanent: bool) -> None:
    """A delivery status notification came back for `email`: a permanent one fails it."""
    if permanent:
        email.status = DeliveryStatus.FAILED
    email.last_error = f"bounced: {diagnostic}"[:1000]
    email.save(update_fields=["status", "last_error"])


def outbound_retry(*, emails: Iterable[OutboundEmail], actor: Agent) -> list[OutboundEmail]:
    """Queue the failed ones among `emails` again, to be tried now with a fresh set of attempts
    (when the relay's problem is fixed, or a bounced address was corrected), and announce them.
    Emails that are not failed are left alone. Returns the emails queued again."""
    wanted = [email.pk for email in emails]
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side (ticket) of an outer join.
        failed = list(
            OutboundEmail.objects.select_for_update(of=("self",))
            .filter(pk__in=wanted, status=DeliveryStatus.FAILED)
            .order_by("pk")
        )
        now = clock.now()
        for email in failed:
            email.status, email.attempts, email.next_attempt_at = DeliveryStatus.QUEUED, 0, now
        rows_update(failed, ["status", "attempts", "next_attempt_at"])
        for email in failed:
            for listener in _retry_listeners:
                listener(email, actor)
        outbound_announce(failed)
    if failed:
        log.info(
            "agent %s queued outbound %s again", actor.pk, ", ".join(str(e.pk) for e in failed)
        )
    return failed
