"""The two measurements: throughput (the whole corpus at once) and latency (a paced stream)."""

from __future__ import annotations

import contextlib
import math
import os
import smtplib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from caredesk_side import Deployment
from corpus import SUPPORT, CorpusMessage
from relay import RelaySink

Log = Callable[[str], None]
POLL_S = 0.05


@dataclass
class SendResult:
    sent_at: dict[int, float] = field(default_factory=dict)  # index -> end of DATA (monotonic)
    send_ms: list[float] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    retries: int = 0


class Sender:
    """SMTP client threads, each with one connection kept open, as an MTA delivers."""

    def __init__(self, port: int, result: SendResult) -> None:
        self.port = port
        self.result = result
        self.lock = threading.Lock()

    def send_one(self, conn: smtplib.SMTP | None, message: CorpusMessage) -> smtplib.SMTP:
        for attempt in range(1, 6):
            try:
                if conn is None:
                    conn = smtplib.SMTP("127.0.0.1", self.port, timeout=60)
                started = time.monotonic()
                conn.sendmail(message.sender, [SUPPORT], message.raw)
                ended = time.monotonic()
                with self.lock:
                    self.result.sent_at[message.index] = ended
                    self.result.send_ms.append((ended - started) * 1000)
                return conn
            except smtplib.SMTPResponseException as exc:
                if not 400 <= exc.smtp_code < 500 or attempt == 5:
                    with self.lock:
                        self.result.failed[message.index] = f"{exc.smtp_code} {exc.smtp_error!r}"
                    return conn  # type: ignore[return-value]
            except (smtplib.SMTPException, OSError) as exc:
                if conn is not None:
                    with contextlib.suppress(OSError):
                        conn.close()
                conn = None
                if attempt == 5:
                    with self.lock:
                        self.result.failed[message.index] = f"{type(exc).__name__}: {exc}"
                    return None  # type: ignore[return-value]
            with self.lock:
                self.result.retries += 1
            time.sleep(0.2 * attempt)
        return conn  # type: ignore[return-value]

    @staticmethod
    def close(conn: smtplib.SMTP | None) -> None:
        if conn is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                conn.quit()


def _send_all(
    port: int, items: Iterator[CorpusMessage], *, clients: int, before: Callable[[int], None]
) -> SendResult:
    """Send `items` over `clients` kept-open connections; `before(index)` runs before each."""
    result = SendResult()
    sender = Sender(port, result)
    lock = threading.Lock()

    def run() -> None:
        conn: smtplib.SMTP | None = None
        while True:
            with lock:
                message = next(items, None)
            if message is None:
                break
            before(message.index)
            conn = sender.send_one(conn, message)
        sender.close(conn)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return result


def blast(port: int, corpus: Sequence[CorpusMessage], *, clients: int) -> SendResult:
    """Send every message as fast as `clients` connections allow."""
    return _send_all(port, iter(corpus), clients=clients, before=lambda index: None)


def paced(port: int, corpus: Sequence[CorpusMessage], *, rate: float, clients: int) -> SendResult:
    """Offer message i at start + i/rate (open loop: a slow answer does not slow the offer)."""
    start = time.monotonic() + 0.5
    position = {message.index: i for i, message in enumerate(corpus)}

    def wait_for_turn(index: int) -> None:
        delay = start + position[index] / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    return _send_all(port, iter(corpus), clients=clients, before=wait_for_turn)


def machine_busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (Linux /proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
    except OSError:
        return None
    # user nice system idle iowait irq softirq steal ...
    ticks = [int(x) for x in fields[1:9]]
    busy = sum(ticks) - ticks[3] - ticks[4]
    return busy / (os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return round(ordered[rank - 1], 1)


def wait_for(
    what: str,
    done: Callable[[], tuple[bool, int]],
    *,
    deployment: Deployment,
    log: Log,
    stall_s: float,
    limit_s: float,
) -> bool:
    """Poll `done()` -> (finished, progress) until finished, no progress for `stall_s` seconds,
    or `limit_s` in all. Returns whether it finished."""
    started = last_change = last_note = time.monotonic()
    last_progress = -1
    while True:
        finished, progress = done()
        now = time.monotonic()
        if finished:
            return True
        if progress != last_progress:
            last_progress, last_change = progress, now
        if now - last_change > stall_s or now - started > limit_s:
            log(f"{what}: gave up at {progress} after {now - started:.0f} s")
            return False
        if now - last_note > 5:
            log(f"{what}: {progress} so far")
            last_note = now
        deployment.check_alive()
        time.sleep(POLL_S)


def warm_up(deployment: Deployment, relay: RelaySink, message: CorpusMessage, log: Log) -> None:
    """One email through the whole pipeline: proves it works and loads every module."""
    result = blast(deployment.smtp_port, [message], clients=1)
    if result.failed:
        raise RuntimeError(f"the warm-up email was refused: {result.failed}")
    ok = wait_for(
        "warm-up acknowledgement",
        lambda: (bool(relay.acks_for([message.message_id])), relay.count()),
        deployment=deployment,
        log=log,
        stall_s=60,
        limit_s=60,
    )
    if not ok:
        counts = deployment.intake_counts()
        raise RuntimeError(
            f"the warm-up email was not acknowledged within 60 s (intake {counts}, quarantined: "
            f"{deployment.quarantine_reasons()}); worker log:\n{deployment.log_tail('worker1')}"
        )


def throughput(
    deployment: Deployment,
    relay: RelaySink,
    corpus: Sequence[CorpusMessage],
    *,
    clients: int,
    log: Log,
    on_running: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Send the corpus at once; time until every intake row is processed, then until the outbox
    is empty (every acknowledgement handed to the relay, or given up on)."""
    before = sum(deployment.intake_counts().values())
    new_ids = [m.message_id for m in corpus if m.kind == "new"]
    state: dict[str, Any] = {}

    def send() -> None:
        state["result"] = blast(deployment.smtp_port, corpus, clients=clients)
        state["sent_at"] = time.monotonic()

    log(f"throughput: sending {len(corpus)} emails over {clients} connections")
    cpu_before = deployment.cpu_seconds()
    bench_cpu_before = time.process_time()
    machine_before = machine_busy_seconds()
    started = time.monotonic()
    sending = threading.Thread(target=send, daemon=True)
    sending.start()
    if on_running is not None:
        on_running()

    def processed() -> tuple[bool, int]:
        counts = deployment.intake_counts()
        done = sum(n for s, n in counts.items() if s != "received")
        return not sending.is_alive() and done >= sum(counts.values()), done - before

    limit = max(300.0, len(corpus) / 2.0)
    finished = wait_for(
        "throughput: processed",
        processed,
        deployment=deployment,
        log=log,
        stall_s=90,
        limit_s=limit,
    )
    processed_at = time.monotonic()
    cpu = {
        name: round(seconds - cpu_before.get(name, 0.0), 1)
        for name, seconds in deployment.cpu_seconds().items()
    }
    cpu["bench (client, relay)"] = round(time.process_time() - bench_cpu_before, 1)
    caredesk_cpu = sum(v for k, v in cpu.items() if k != "bench (client, relay)")
    machine_after = machine_busy_seconds()
    if machine_before is not None and machine_after is not None:
        busy = machine_after - machine_before
        cpu["machine_total_busy"] = round(busy, 1)
        cpu["machine_capacity"] = round((processed_at - started) * (os.cpu_count() or 1), 1)
        # What other programs on the machine took while we ran (tests, browsers, builds).
        ours = sum(v for k, v in cpu.items() if not k.startswith("machine_"))
        cpu["other_programs"] = round(max(0.0, busy - ours), 1)
    if not finished:
        state["diagnosis"] = deployment.diagnose()
    sending.join(timeout=60)
    result: SendResult = state.get("result", SendResult())
    sent_at = state.get("sent_at", processed_at)
    counts = deployment.intake_counts()
    done = sum(n for s, n in counts.items() if s != "received") - before
    elapsed = processed_at - started

    drained = wait_for(
        "throughput: outbox",
        deployment.drained,
        deployment=deployment,
        log=log,
        stall_s=60 if finished else 10,
        limit_s=limit if finished else 30,
    )
    drained_at = time.monotonic()
    acks = relay.acks_for(new_ids)
    figures: dict[str, Any] = {
        "throughput_msgs_per_s": round(done / elapsed, 1) if finished and elapsed else None,
        "messages": len(corpus),
        "processed": done,
        "finished": finished,
        "seconds_to_all_processed": round(elapsed, 2),
        "smtp_accepted": len(result.sent_at),
        "smtp_refused": len(result.failed),
        "smtp_retries": result.retries,
        "smtp_seconds_to_accept_all": round(sent_at - started, 2),
        "smtp_accept_msgs_per_s": round(len(result.sent_at) / max(1e-9, sent_at - started), 1),
        "intake_status": counts,
        "acks_expected": len(new_ids),
        "acks_received": relay.count_auto_replies(),
        # An acknowledgement answers the email that opened the ticket: when a follow-up is
        # processed before the first email of its conversation, the follow-up opens it.
        "acks_answering_first_email": len(acks),
        "seconds_to_outbox_empty": round(drained_at - started, 2) if drained else None,
        "outbox_status": deployment.outbound_counts(),
        "clients": clients,
        "cpu_seconds_until_processed": cpu,
        # CPU caredesk's own processes spent per email, and the rate that would allow if they
        # had every core of this machine to themselves (an upper bound, not a measurement).
        "caredesk_cpu_ms_per_message": round(1000 * caredesk_cpu / done, 2) if done else None,
        "cpu_bound_ceiling_msgs_per_s": round(done * (os.cpu_count() or 1) / caredesk_cpu, 1)
        if caredesk_cpu
        else None,
    }
    errors = deployment.outbox_errors()
    if errors:
        figures["outbox_errors"] = errors
    if "diagnosis" in state:
        figures["stall_diagnosis"] = state["diagnosis"]
    return figures


def latency(
    deployment: Deployment,
    relay: RelaySink,
    corpus: Sequence[CorpusMessage],
    *,
    rate: float,
    clients: int,
    log: Log,
) -> dict[str, Any]:
    """Offer new conversations at `rate` per second; end of DATA -> acknowledgement at relay.

    Percentiles are over the acknowledgements that arrived; `acks_missing` counts the rest."""
    log(f"latency: offering {len(corpus)} new conversations at {rate:g}/s")
    result = paced(deployment.smtp_port, corpus, rate=rate, clients=clients)
    wait_for(
        "latency: outbox",
        deployment.drained,
        deployment=deployment,
        log=log,
        stall_s=30,
        limit_s=120,
    )
    acks = relay.acks_for(m.message_id for m in corpus)
    values = []
    for message in corpus:
        sent = result.sent_at.get(message.index)
        ack = acks.get(message.message_id)
        if sent is not None and ack is not None:
            values.append((ack - sent) * 1000)
    times = sorted(result.sent_at.values())
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    figures: dict[str, Any] = {
        "offered_rate": rate,
        "achieved_rate": round((len(times) - 1) / span, 2) if span else None,
        "messages": len(corpus),
        "smtp_refused": len(result.failed),
        "acks_received": len(values),
        "acks_missing": len(result.sent_at) - len(values),
        "latency_ms": {
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "p99": percentile(values, 99),
            "max": round(max(values), 1) if values else None,
            "mean": round(sum(values) / len(values), 1) if values else None,
        },
        "smtp_data_ms": {
            "p50": percentile(result.send_ms, 50),
            "p99": percentile(result.send_ms, 99),
        },
        "outbox_status": deployment.outbound_counts(),
    }
    errors = deployment.outbox_errors()
    if errors:
        figures["outbox_errors"] = errors
    return figures
