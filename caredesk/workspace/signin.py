"""Signing agents in: Django's authentication, with failed attempts throttled.

After CAREDESK_SIGNIN_MAX_FAILURES failures for one address, or five times as many from one IP
address, within CAREDESK_SIGNIN_WINDOW_MINUTES, further attempts are refused (even with the
right password) until the window has passed. The counts live in the database, so every web
process sees them.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate

from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.workspace.models import SignInFailure


class Throttled(InvalidRequest):
    pass


def agent_sign_in(*, email: str, password: str, ip: str | None) -> Agent:
    """The agent with these credentials; InvalidRequest (saying only what is safe to say)."""
    email = email.strip().lower()
    since = clock.now() - timedelta(minutes=settings.CAREDESK_SIGNIN_WINDOW_MINUTES)
    recent = SignInFailure.objects.filter(created_at__gte=since)
    limit = settings.CAREDESK_SIGNIN_MAX_FAILURES
    if recent.filter(address=email).count() >= limit or (
        ip and recent.filter(ip=ip).count() >= 5 * limit
    ):
        minutes = settings.CAREDESK_SIGNIN_WINDOW_MINUTES
        raise Throttled(f"Too many failed attempts. Try again in {minutes} minutes.")
    agent = authenticate(username=email, password=password)
    if not isinstance(agent, Agent) or not agent.is_active:
        SignInFailure.objects.create(address=email[:254], ip=ip)
        raise InvalidRequest("That email address and password do not match.")
    SignInFailure.objects.filter(address=email).delete()
    return agent
