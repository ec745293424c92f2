"""The refused-recipients guard of the SMTP server, on a clock the test turns."""

from __future__ import annotations

import pytest

from caredesk.inbound.sources import smtp_guard
from caredesk.inbound.sources.smtp_guard import RefusalGuard, RefusalPolicy, Verdict

POLICY = RefusalPolicy(soft=3, hard=5, delay=1.0, offender_seconds=600)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Session:
    """Stands in for aiosmtpd's Session: the guard only needs an object to count against."""


def test_refusals_are_free_up_to_the_soft_limit_then_wait_then_close_at_the_hard_limit() -> None:
    guard = RefusalGuard(POLICY, clock=Clock())
    session = Session()
    verdicts = [guard.refused(session, "198.51.100.7") for _ in range(5)]
    assert verdicts == [Verdict(0.0, False)] * 3 + [Verdict(1.0, False), Verdict(1.0, True)]


def test_an_offender_waits_from_its_first_refusal_and_is_closed_at_the_soft_limit() -> None:
    clock = Clock()
    guard = RefusalGuard(POLICY, clock=clock)
    first = Session()
    for _ in range(5):
        guard.refused(first, "198.51.100.7")
    again = Session()
    assert [guard.refused(again, "198.51.100.7") for _ in range(3)] == [
        Verdict(1.0, False),
        Verdict(1.0, False),
        Verdict(1.0, True),
    ]
    # Another client address is not touched by it.
    assert guard.refused(Session(), "203.0.113.9") == Verdict(0.0, False)
    # Forgiven once the offender time is over (counted from its last disconnection).
    clock.now += 601
    assert not guard.offender("198.51.100.7")
    assert guard.refused(Session(), "198.51.100.7") == Verdict(0.0, False)


def test_each_session_counts_its_own_refusals() -> None:
    guard = RefusalGuard(POLICY, clock=Clock())
    one, two = Session(), Session()
    for _ in range(3):
        guard.refused(one, "198.51.100.7")
    assert guard.refused(two, "198.51.100.7") == Verdict(0.0, False)
    assert guard.refused(one, "198.51.100.7") == Verdict(1.0, False)


def test_the_memory_of_offenders_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smtp_guard, "MAX_OFFENDERS", 3)
    guard = RefusalGuard(RefusalPolicy(soft=0, hard=1, delay=0, offender_seconds=60))
    for n in range(5):
        guard.refused(Session(), f"192.0.2.{n}")
    assert [guard.offender(f"192.0.2.{n}") for n in range(5)] == [False, False, True, True, True]
