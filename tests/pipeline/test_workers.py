"""Real worker processes: killed mid-batch they lose nothing, and two at once never double up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from caredesk.inbound.models import InboundMessage, IntakeStatus
from caredesk.inbound.receive import inbound_receive
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import DeliveryStatus, OutboundEmail
from caredesk.tickets.models import Message, MessageKind, Ticket
from tests.conftest import need_service, port_open
from tests.mail import SmtpSink, make_email

pytestmark = pytest.mark.django_db(transaction=True)

CONVERSATIONS = 120


def _store_corpus(mailbox: Mailbox) -> None:
    """New conversations, each followed by a reply, stored but not yet processed."""
    for n in range(CONVERSATIONS):
        root = f"<conv-{n}@example.net>"
        for raw in (
            make_email(sender=f"customer{n}@example.net", subject=f"Question {n}", message_id=root),
            make_email(
                sender=f"customer{n}@example.net",
                subject=f"Re: Question {n}",
                message_id=f"<conv-{n}-reply@example.net>",
                in_reply_to=root,
                references=[root],
            ),
        ):
            inbound_receive(raw=raw, mailbox_id=mailbox.pk, source="smtp", process=False)


def _worker(env: dict[str, str], home: Path) -> subprocess.Popen[bytes]:
    home.mkdir(parents=True, exist_ok=True)
    # Output to a file: a pipe nobody reads would block the worker once it fills.
    with open(home / "worker.log", "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "caredesk.cli", "worker", "--workers", "2"],
            env=dict(env, CAREDESK_HOME=str(home)),
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _log(home: Path) -> str:
    return (home / "worker.log").read_text(errors="replace")[-3000:]


def _processed() -> int:
    return InboundMessage.objects.exclude(status=IntakeStatus.RECEIVED).count()


def _wait(condition: Callable[[], bool], timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _stop(*procs: subprocess.Popen[bytes]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _assert_exactly_once(sink: SmtpSink) -> None:
    assert InboundMessage.objects.filter(status=IntakeStatus.RECEIVED).count() == 0
    assert InboundMessage.objects.filter(status=IntakeStatus.QUARANTINED).count() == 0
    assert Ticket.objects.count() == CONVERSATIONS
    per_ticket = Counter(
        Message.objects.filter(kind=MessageKind.CUSTOMER).values_list("ticket_id", flat=True)
    )
    assert set(per_ticket.values()) == {2}  # each reply threaded into its own conversation
    acks = OutboundEmail.objects.filter(kind="acknowledgement")
    assert acks.count() == CONVERSATIONS
    assert _wait(
        lambda: OutboundEmail.objects.filter(status=DeliveryStatus.SENT).count() == CONVERSATIONS,
        60,
    )
    received = Counter(r.message["Message-ID"] for r in sink.wait_for(CONVERSATIONS, 30))
    assert len(received) == CONVERSATIONS
    assert set(received.values()) == {1}  # every acknowledgement relayed exactly once


def _env_with_relay(cli_env: dict[str, str], sink: SmtpSink) -> dict[str, str]:
    return dict(
        cli_env,
        CAREDESK_HUEY_IMMEDIATE="0",
        CAREDESK_SMTP_RELAY=sink.url,
        CAREDESK_OUTBOUND_TRANSPORT="caredesk.outbound.transports.SmtpRelayTransport",
    )


def test_worker_killed_mid_batch_loses_and_duplicates_nothing(
    mailbox: Mailbox, cli_env: dict[str, str], sink: SmtpSink, tmp_path: Path
) -> None:
    _store_corpus(mailbox)
    env = _env_with_relay(cli_env, sink)
    first = _worker(env, tmp_path / "w1")
    try:
        assert _wait(lambda: _processed() >= 10, 60), _log(tmp_path / "w1")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    left = InboundMessage.objects.filter(status=IntakeStatus.RECEIVED).count()
    assert 0 < left < 2 * CONVERSATIONS, "kill should land mid-batch"

    second = _worker(env, tmp_path / "w1")  # same queue folder, as after a restart
    try:
        assert _wait(lambda: _processed() == 2 * CONVERSATIONS), _log(tmp_path / "w1")
        _assert_exactly_once(sink)
    finally:
        _stop(second)


@pytest.mark.parametrize("queue", ["separate-sqlite-queues", "shared-redis-queue"])
def test_two_workers_at_once_process_each_email_once(
    mailbox: Mailbox, cli_env: dict[str, str], sink: SmtpSink, tmp_path: Path, queue: str
) -> None:
    env = _env_with_relay(cli_env, sink)
    if queue == "shared-redis-queue":
        need_service("Redis at 127.0.0.1:6379", port_open("127.0.0.1", 6379))
        env["CAREDESK_REDIS_URL"] = "redis://127.0.0.1:6379/15"
        env["CAREDESK_HUEY_NAME"] = f"caredesk-test-{uuid.uuid4().hex[:8]}"
    _store_corpus(mailbox)
    # Separate queues: both workers are handed every email, the worst case for doubling up.
    workers = [
        _worker(env, tmp_path / "a"),
        _worker(env, tmp_path / ("a" if "redis" in queue else "b")),
    ]
    try:
        assert _wait(lambda: _processed() == 2 * CONVERSATIONS), _log(tmp_path / "a")
        _assert_exactly_once(sink)
    finally:
        _stop(*workers)
        if "CAREDESK_REDIS_URL" in env:
            import redis

            client = redis.Redis.from_url(env["CAREDESK_REDIS_URL"])
            keys = list(client.scan_iter(f"*{env['CAREDESK_HUEY_NAME']}*"))
            if keys:
                client.delete(*keys)
    assert os.environ.get("CAREDESK_HUEY_IMMEDIATE") == "1"  # the test process itself unchanged


CUSTOMERS = 60


def _store_out_of_order(mailbox: Mailbox) -> None:
    """Each customer's conversation of three emails that name only their parent (In-Reply-To),
    stored in the order last, first, middle: the two workers can open a ticket for each end
    before the middle joins them."""
    emails = []
    for n in range(CUSTOMERS):
        ids = [f"<ooo-{n}-{i}@example.net>" for i in range(3)]
        parts = [
            make_email(
                sender=f"buyer{n}@example.net",
                subject=("Re: " if i else "") + f"Parcel {n}",
                message_id=ids[i],
                in_reply_to=ids[i - 1] if i else None,
                body=f"Part {i} about parcel {n}.\n",
            )
            for i in range(3)
        ]
        emails.append([parts[2], parts[0], parts[1]])
    for round_ in zip(*emails, strict=True):  # everyone's last part, then first, then middle
        for raw in round_:
            inbound_receive(raw=raw, mailbox_id=mailbox.pk, source="smtp", process=False)


def test_two_workers_acknowledge_an_out_of_order_conversation_once(
    mailbox: Mailbox, cli_env: dict[str, str], sink: SmtpSink, tmp_path: Path
) -> None:
    env = dict(_env_with_relay(cli_env, sink), CAREDESK_ACK_HOLD_SECONDS="3")
    _store_out_of_order(mailbox)
    workers = [_worker(env, tmp_path / "a"), _worker(env, tmp_path / "b")]
    try:
        assert _wait(lambda: _processed() == 3 * CUSTOMERS), _log(tmp_path / "a")
        assert InboundMessage.objects.filter(status=IntakeStatus.QUARANTINED).count() == 0
        live = Ticket.objects.filter(merged_into=None)
        assert live.count() == CUSTOMERS  # one ticket per conversation in the end
        assert Ticket.objects.exclude(merged_into=None).count() == CUSTOMERS  # each came in two
        assert _wait(
            lambda: not OutboundEmail.objects.filter(status=DeliveryStatus.QUEUED).exists(), 60
        )
        time.sleep(1)  # anything still in flight reaches the sink
        told: dict[str, list[str]] = {}
        for received in sink.received:
            told.setdefault(received.rcpt_tos[0], []).append(received.message["Subject"])
        assert len(told) == CUSTOMERS
        for ticket in live.select_related("customer"):
            address = ticket.messages.filter(kind=MessageKind.CUSTOMER).first()
            assert address is not None
            assert ticket.messages.filter(kind=MessageKind.CUSTOMER).count() == 3
            # One acknowledgement per customer, naming the ticket that holds the conversation.
            (subject,) = told[address.from_address]
            assert subject.endswith(f"[{ticket.reference}]")
    finally:
        _stop(*workers)
