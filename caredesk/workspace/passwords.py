"""Agents choosing a new password through a link sent to their email address.

`password_reset_request` records the request, applies the limits and, once the transaction
commits, queues `password_reset_email_send` for a worker, which looks the agent up, makes a
one-time token and mails the link. `password_reset_link_agent` reads a link back and
`agent_password_reset` sets the new password.

No account enumeration: whatever the address, the request writes one row and queues one job,
and the agent is looked up only in the worker, so neither the answer nor the time it takes says
whether an agent has the address.

Limits, counted in the database so that every web process sees them: at most
CAREDESK_PASSWORD_RESET_MAX_EMAILS emails per address per CAREDESK_PASSWORD_RESET_WINDOW_MINUTES
(beyond that nothing is sent and the page says what it always says), and five times as many
requests from one IP address (beyond that the page says so: that is about the network, not about
any address).

Links carry a token from Django's PasswordResetTokenGenerator, reading caredesk's clock. The
token holds its creation time and an HMAC over the agent's password hash, last sign-in and
email, so it stops working after PASSWORD_RESET_TIMEOUT, and as soon as the password changes.
It is never stored.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from caredesk.accounts.models import Agent, PasswordResetRequest
from caredesk.accounts.selectors import agent_get
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest, NotFound
from caredesk.core.text import first_name, mask_address
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.transports import DeliveryError, Envelope, get_transport
from caredesk.system_emails.kinds import PASSWORD_RESET, kind_get
from caredesk.system_emails.services import system_email_compose
from caredesk.workspace.models import SignInFailure
from caredesk.workspace.signin import Throttled

log = logging.getLogger(__name__)

IP_FACTOR = 5  # requests one IP address may make, as a multiple of the per-address limit


class ResetTokens(PasswordResetTokenGenerator):
    """Django's reset tokens, on caredesk's clock so that tests can make a link expire."""

    key_salt = "caredesk.workspace.passwords.ResetTokens"

    def _now(self) -> datetime:
        # Django compares naive datetimes here; naive UTC on both sides (make and check).
        return clock.now().astimezone(UTC).replace(tzinfo=None)


reset_tokens = ResetTokens()


class LinkInvalid(InvalidRequest):
    """The link was used already, has expired, or was never ours."""


class PasswordRejected(InvalidRequest):
    """The new password cannot be used; `problems` says why, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def password_reset_base_url(*, request_base: str) -> str | None:
    """Where the links in reset emails point, or None when no safe answer is configured.

    CAREDESK_PUBLIC_URL when set. Otherwise the address the request came to, but only when
    ALLOWED_HOSTS lists host names, since Django has then checked the Host header. With the
    default ALLOWED_HOSTS=* the Host header is whatever the asker sent, and a link built from it
    could carry an agent's token to the asker's own site ("password reset poisoning").
    """
    if settings.CAREDESK_PUBLIC_URL:
        return str(settings.CAREDESK_PUBLIC_URL).rstrip("/")
    if "*" in settings.ALLOWED_HOSTS:
        return None
    return request_base.rstrip("/")


def password_reset_outbox() -> str | None:
    """The folder reset emails land in when caredesk has no relay (the embedded default keeps
    outgoing mail in a Maildir), so the page can say where to look; None with a relay."""
    from caredesk.outbound.transports import MaildirTransport

    if isinstance(get_transport(), MaildirTransport):
        return str(settings.CAREDESK_OUTBOX_MAILDIR)
    return None


def password_reset_request(*, address: str, ip: str | None, base_url: str) -> None:
    """Somebody asks for a reset link for `address`. Returns the same way whether or not an
    agent has the address; raises InvalidRequest for a malformed address and Throttled when
    this IP address has asked too often."""
    address = address.strip().lower()
    try:
        if len(address) > 254:
            raise ValidationError("too long")
        validate_email(address)
    except ValidationError:
        raise InvalidRequest("Enter the email address you sign in with.") from None
    minutes = settings.CAREDESK_PASSWORD_RESET_WINDOW_MINUTES
    recent = PasswordResetRequest.objects.filter(
        created_at__gte=clock.now() - timedelta(minutes=minutes)
    )
    limit = settings.CAREDESK_PASSWORD_RESET_MAX_EMAILS
    if ip and recent.filter(ip=ip).count() >= IP_FACTOR * limit:
        raise Throttled(f"Too many requests from your network. Try again in {minutes} minutes.")
    throttled = recent.filter(address=address, throttled=False).count() >= limit
    PasswordResetRequest.objects.create(address=address, ip=ip, throttled=throttled)
    if throttled:
        log.info("password reset for %s held back: limit reached", mask_address(address))
        return
    from caredesk.workspace.tasks import send_password_reset_email

    transaction.on_commit(lambda: send_password_reset_email(address, base_url))


def _sender() -> str:
    """CAREDESK_SYSTEM_FROM, else the first support address (the relay already accepts it as
    a sender), else a placeholder that works with a local relay."""
    if settings.CAREDESK_SYSTEM_FROM:
        return str(settings.CAREDESK_SYSTEM_FROM)
    first = Mailbox.objects.order_by("pk").values_list("address", flat=True).first()
    return first or "caredesk@localhost"


def password_reset_email_send(*, address: str, base_url: str) -> bool:
    """Email a reset link to the active agent with this address, if there is one; whether an
    email went out.

    The email leaves through caredesk's own outgoing transport (`get_transport()`): the SMTP
    relay in CAREDESK_SMTP_RELAY, or the outbox Maildir in the embedded default. So it takes
    the same relay, with the same credentials and TLS, as every reply, and needs no setting of
    its own. Django's EMAIL_BACKEND is deliberately not used: caredesk does not configure it (it
    would try localhost:25), and a second set of EMAIL_HOST settings could drift from
    CAREDESK_SMTP_RELAY.

    It does not go through the outbox (OutboundEmail) either. Outbox rows are mail from a
    support mailbox, kept and shown to admins, retried for hours: a row would keep a live
    credential (the link) in a table admins browse, and retries would outlive the link. The
    worker's job retries a few times instead, each time with a new token; the
    PasswordResetRequest row is the record. Agents without a usable password (added without
    one) get nothing, as in Django: an admin sets their first password.

    Its wording is the system email "password reset" in the language on the agent's profile
    (docs/system-emails.md), which admins may change.
    """
    try:
        agent: Agent | None = agent_get(email=address, active_only=True)
    except NotFound:
        agent = None
    if agent is None or not agent.has_usable_password():
        log.info("password reset for %s: no active agent with a password", mask_address(address))
        return False
    uidb64 = urlsafe_base64_encode(force_bytes(agent.pk))
    path = reverse(
        "workspace:password-reset",
        kwargs={"uidb64": uidb64, "token": reset_tokens.make_token(agent)},
    )
    sender = _sender()
    msg = EmailMessage()
    msg["From"] = formataddr(("caredesk", sender))
    msg["To"] = formataddr((agent.name, agent.email))
    link = base_url.rstrip("/") + path
    minutes = str(settings.PASSWORD_RESET_TIMEOUT // 60)
    composed = system_email_compose(
        kind=kind_get(PASSWORD_RESET),
        values=lambda _language: {
            "agent.name": agent.name,
            "agent.first_name": first_name(agent.name),
            "agent.email": agent.email,
            "reset.link": link,
            "reset.minutes": minutes,
        },
        language=agent.language,
    )
    msg["Subject"] = composed.subject
    msg["Date"] = format_datetime(clock.now())
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: autoresponders, do not answer
    msg.set_content(composed.body)
    msg["Content-Language"] = composed.language  # after set_content, which resets Content-*
    envelope = Envelope(mail_from=sender, rcpt_to=(agent.email,), data=msg.as_bytes(policy=SMTP))
    try:
        get_transport().send(envelope)
    except DeliveryError as exc:
        if not exc.permanent:
            raise  # the job is retried
        log.info("password reset for %s refused by the relay: %s", mask_address(address), exc)
        return False
    return True


def password_reset_link_agent(*, uidb64: str, token: str) -> Agent | None:
    """The active agent a reset link is for, while the link is still good; else None."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if not 0 < pk < 2**63:
        return None
    agent = Agent.objects.filter(pk=pk, is_active=True).first()
    if agent is None or not reset_tokens.check_token(agent, token):
        return None
    return agent


def password_problems(password: str, *, agent: Agent | None = None) -> list[str]:
    """Why `password` cannot be used (Django's validators: length, common passwords, too like
    the agent's address), one sentence each; empty when it can."""
    try:
        validate_password(password, user=agent)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def agent_password_set(*, agent: Agent, password: str) -> Agent:
    """An admin sets `agent`'s password (`caredesk agent password`). As with a reset link, the
    agent's other sessions are signed out and failed sign-ins for the address are forgotten."""
    problems = password_problems(password, agent=agent)
    if problems:
        raise PasswordRejected(problems)
    with transaction.atomic():
        agent.set_password(password)
        agent.save(update_fields=["password"])
        SignInFailure.objects.filter(address=agent.email).delete()
    log.info("agent %s was given a new password", agent.pk)
    return agent


def agent_password_reset(*, agent: Agent, token: str, password: str, confirmation: str) -> Agent:
    """Set the password `agent` chose through a reset link.

    Changing the password changes the session hash Django keeps in every session, so all the
    agent's sessions are signed out; it also makes the token stop working. Failed sign-ins for
    the address are forgotten: the agent has just shown they own it.
    """
    if password != confirmation:
        raise PasswordRejected(["The two passwords do not match."])
    problems = password_problems(password, agent=agent)
    if problems:
        raise PasswordRejected(problems)
    with transaction.atomic():
        # Locked and checked again, so two submissions of one link cannot both succeed.
        locked = Agent.objects.select_for_update().get(pk=agent.pk)
        if not locked.is_active or not reset_tokens.check_token(locked, token):
            raise LinkInvalid("This link has been used or has expired.")
        locked.set_password(password)
        locked.save(update_fields=["password"])
        SignInFailure.objects.filter(address=locked.email).delete()
    log.info("agent %s chose a new password through a reset link", locked.pk)
    return locked


def password_reset_requests_purge(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Forget reset requests older than `older_than`; how many went."""
    deleted, _ = PasswordResetRequest.objects.filter(
        created_at__lt=clock.now() - older_than
    ).delete()
    return deleted
