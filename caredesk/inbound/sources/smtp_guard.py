"""How the SMTP server answers a client that guesses addresses: slower, then not at all.

After Postfix's smtpd_soft_error_limit / smtpd_hard_error_limit: past `soft` refused recipients
in one session, each further refusal is answered only after `delay` seconds (the event loop
sleeps, it never blocks); at `hard` refusals the session gets 421 and is closed. A client address
that reached the hard limit is remembered for `offender_seconds`: its sessions wait from their
first refusal and are closed at the soft limit. Accepted recipients are never delayed.

The memory of offenders lives in this process (one `caredesk smtpd`): several SMTP servers
behind one MX each remember their own, and a restart forgets.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

MAX_OFFENDERS = 10_000  # client addresses remembered at most; the oldest are forgotten first


@dataclass(frozen=True)
class RefusalPolicy:
    soft: int
    hard: int
    delay: float  # seconds
    offender_seconds: float

    @classmethod
    def from_settings(cls) -> RefusalPolicy:
        return cls(
            soft=settings.CAREDESK_SMTP_SOFT_REFUSALS,
            hard=settings.CAREDESK_SMTP_HARD_REFUSALS,
            delay=settings.CAREDESK_SMTP_REFUSAL_DELAY_MS / 1000,
            offender_seconds=settings.CAREDESK_SMTP_OFFENDER_MINUTES * 60,
        )


@dataclass(frozen=True)
class Verdict:
    """What to do with one refused recipient: wait this long before answering, then answer
    the refusal, or (`close`) answer 421 and close the session."""

    delay: float
    close: bool


class RefusalGuard:
    def __init__(
        self, policy: RefusalPolicy, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.policy = policy
        self._clock = clock
        self._counts: weakref.WeakKeyDictionary[object, int] = weakref.WeakKeyDictionary()
        self._offenders: dict[str, float] = {}  # client address -> remembered until

    def offender(self, peer: str) -> bool:
        until = self._offenders.get(peer)
        if until is None:
            return False
        if until <= self._clock():
            del self._offenders[peer]
            return False
        return True

    def refused(self, session: object, peer: str) -> Verdict:
        """Count one refused recipient of `session` (from client address `peer`)."""
        count = self._counts.get(session, 0) + 1
        self._counts[session] = count
        policy = self.policy
        known_offender = self.offender(peer)
        soft, hard = (0, max(policy.soft, 1)) if known_offender else (policy.soft, policy.hard)
        if count >= hard:
            self._remember(peer)
            return Verdict(delay=policy.delay, close=True)
        return Verdict(delay=policy.delay if count > soft else 0.0, close=False)

    def _remember(self, peer: str) -> None:
        self._offenders.pop(peer, None)
        self._offenders[peer] = self._clock() + self.policy.offender_seconds
        while len(self._offenders) > MAX_OFFENDERS:
            del self._offenders[next(iter(self._offenders))]
