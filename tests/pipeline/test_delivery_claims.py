"""A worker killed -9 in the middle of sending: another worker delivers its email within
seconds, not after the 5-minute lease, and exactly once (counted at a real relay sink)."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import connection

from caredesk.mailboxes.models import Mailbox
from caredesk.outbound import claims
from caredesk.outbound.models import DeliveryStatus, OutboundEmail
from tests.conftest import free_port
from tests.mail import SinkHandler, SmtpSink
from tests.pipeline.test_workers import _env_with_relay, _log, _stop, _wait, _worker

pytestmark = pytest.mark.django_db(transaction=True)

TAKEOVER_WITHIN = 6.0  # seconds after the kill: the 2 s round, a claim and a send, with margin


@dataclass
class StallingHandler(SinkHandler):
    """Holds the first email at DATA without answering, as a slow relay does, and never keeps
    it: the sender's death before the 250 means the relay has not taken it."""

    stalled: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if not self.stalled.is_set():
            self.stalled.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def stalling_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink(free_port())
    handler = StallingHandler()
    sink.handler = handler
    sink.controller.handler = handler
    sink.start()
    yield sink
    handler.released.set()
    sink.stop()


def _other_workers_alive() -> int:
    """How many worker processes (not this test) hold their claims lock."""
    mine = claims._held.get("token")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT objid::text FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND classid = %s AND objsubid = 2",
                [claims._NAMESPACE],
            )
            tokens = {row[0] for row in cursor.fetchall()}
    else:
        tokens = claims.live_tokens(p.stem for p in claims._sqlite_dir().glob("*.lock"))
    return len(tokens - {mine})


def test_a_killed_workers_email_is_delivered_by_another_within_seconds_exactly_once(
    mailbox: Mailbox, cli_env: dict[str, str], stalling_sink: SmtpSink, tmp_path: Path
) -> None:
    email = OutboundEmail.objects.create(
        mailbox=mailbox,
        kind="reply",
        to=["jane@example.net"],
        recipient="jane@example.net",
        subject="Re: order 1234",
        text="It ships tomorrow.",
        message_id="caredesk.0.takeover@example.com",
    )
    handler = stalling_sink.handler
    assert isinstance(handler, StallingHandler)
    env = _env_with_relay(cli_env, stalling_sink)
    first = _worker(env, tmp_path / "w1")
    second = None
    try:
        assert handler.stalled.wait(60), _log(tmp_path / "w1")
        email.refresh_from_db()
        assert email.claimed_by and email.status == DeliveryStatus.QUEUED

        second = _worker(env, tmp_path / "w2")
        assert _wait(lambda: _other_workers_alive() == 2, 60), _log(tmp_path / "w2")
        time.sleep(1.0)
        email.refresh_from_db()
        assert email.status == DeliveryStatus.QUEUED  # a live worker's claim is left alone

        first.send_signal(signal.SIGKILL)
        first.wait(10)
        killed_at = time.monotonic()
        assert _wait(lambda: len(stalling_sink.received) >= 1, 30), _log(tmp_path / "w2")
        took = time.monotonic() - killed_at
        print(f"taken over and delivered {took:.2f} s after the kill")
        assert took < TAKEOVER_WITHIN, f"took over after {took:.1f} s"

        assert _wait(
            lambda: OutboundEmail.objects.get(pk=email.pk).status == DeliveryStatus.SENT, 10
        )
        time.sleep(2.5)  # another round of every worker: nothing more may arrive
        ids = Counter(r.message["Message-ID"] for r in stalling_sink.received)
        assert ids == {f"<{email.message_id}>": 1}
        email.refresh_from_db()
        assert email.attempts == 2 and email.claimed_by == ""
    finally:
        handler.released.set()
        _stop(first, *([second] if second else []))
