"""Signing agents in: Django's authentication, with failed attempts throttled where they come
from, so that an outsider cannot lock the real agent out (docs/decisions/0016-login-throttle.md).

Within CAREDESK_SIGNIN_WINDOW_MINUTES, and MAX = CAREDESK_SIGNIN_MAX_FAILURES:

- MAX failures for one account from one IP address refuse that account from that address;
- 5 x MAX failures from one IP address, whatever the accounts, refuse that address;
- 5 x MAX failures for one account, from anywhere, only slow it down: from a source that never
  signed in to it, one attempt per CAREDESK_SIGNIN_SLOW_SECONDS;
- a known device (a browser holding the signed cookie set when it signed in to that account)
  passes all three, unless MAX failures were made with that cookie itself; an address the
  account signed in from before is never slowed down.

The counts live in the database, so every web process sees them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Max

from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.workspace.models import KnownSignInSource, SignInFailure

DEVICE_COOKIE = "caredesk_device"
DEVICE_COOKIE_SALT = "caredesk.workspace.signin.device"
DEVICE_COOKIE_DAYS = 180


class Throttled(InvalidRequest):
    pass


@dataclass(frozen=True)
class Device:
    """The known-device cookie's content: whose browser it is, and which browser."""

    agent_id: int
    nonce: str

    def cookie_value(self) -> str:
        return f"{self.agent_id}:{self.nonce}"

    @classmethod
    def from_cookie(cls, value: str | None) -> Device | None:
        """The device a (verified) cookie names; None when there is none or it is malformed."""
        agent_id, _, nonce = (value or "").partition(":")
        return cls(int(agent_id), nonce) if agent_id.isdigit() and nonce else None


def _refuse_from_elsewhere(*, email: str, ip: str | None) -> None:
    """Raise Throttled when this source is refused or slowed down for this account."""
    window = settings.CAREDESK_SIGNIN_WINDOW_MINUTES
    limit = settings.CAREDESK_SIGNIN_MAX_FAILURES
    recent = SignInFailure.objects.filter(created_at__gte=clock.now() - timedelta(minutes=window))
    if ip and recent.filter(ip=ip).count() >= 5 * limit:
        raise Throttled(
            f"Too many failed attempts from your network. Try again in {window} minutes."
        )
    if ip and recent.filter(address=email, ip=ip).count() >= limit:
        raise Throttled(f"Too many failed attempts. Try again in {window} minutes.")
    for_account = recent.filter(address=email)
    if for_account.count() < 5 * limit:
        return
    if ip and KnownSignInSource.objects.filter(agent__email__iexact=email, ip=ip).exists():
        return
    latest = for_account.aggregate(latest=Max("created_at"))["latest"]
    slow = settings.CAREDESK_SIGNIN_SLOW_SECONDS
    if latest is not None and clock.now() - latest < timedelta(seconds=slow):
        raise Throttled(f"Too many failed attempts for this account. Try again in {slow} seconds.")


def _known_device(email: str, device: Device | None) -> str:
    """The device's nonce when it is a known device of the account `email`, else ""."""
    if device is None:
        return ""
    agent = Agent.objects.filter(pk=device.agent_id).only("email").first()
    if agent is None or agent.email.lower() != email:
        return ""
    limit = settings.CAREDESK_SIGNIN_MAX_FAILURES
    since = clock.now() - timedelta(minutes=settings.CAREDESK_SIGNIN_WINDOW_MINUTES)
    failed = SignInFailure.objects.filter(address=email, device=device.nonce, created_at__gte=since)
    if failed.count() >= limit:  # a stolen cookie is no better than no cookie
        return ""
    return device.nonce


def agent_sign_in(
    *, email: str, password: str, ip: str | None, device: Device | None = None
) -> tuple[Agent, Device]:
    """The agent with these credentials and the known-device cookie to give this browser;
    InvalidRequest (saying only what is safe to say) or Throttled otherwise."""
    email = email.strip().lower()
    known = _known_device(email, device)
    if not known:
        _refuse_from_elsewhere(email=email, ip=ip)
    agent = authenticate(username=email, password=password)
    if not isinstance(agent, Agent) or not agent.is_active:
        SignInFailure.objects.create(address=email[:254], ip=ip, device=known)
        raise InvalidRequest("That email address and password do not match.")
    # Only this source's failures are forgiven: an attacker's elsewhere (or, for a known
    # device, those of other browsers behind the same address) stay counted.
    if known:
        SignInFailure.objects.filter(address=email, device=known).delete()
    else:
        SignInFailure.objects.filter(address=email, ip=ip).delete()
    if ip:
        KnownSignInSource.objects.update_or_create(
            agent=agent, ip=ip, defaults={"seen_at": clock.now()}
        )
    return agent, Device(agent.pk, known or secrets.token_urlsafe(12))
