"""IMAP latency benchmark: the time from delivering an email into a real Dovecot (over LMTP) to
its ticket in caredesk, with one `caredesk worker` fetching the mailbox over IMAP with IDLE.

    .venv/bin/python bench/imap_latency.py [--messages 200] [--rate 5] [--database sqlite]

Starts Dovecot (IMAP + LMTP on free loopback ports, as the tests do: tests/dovecot.py), a
scratch caredesk (home folder; SQLite, or with --database postgresql a scratch PostgreSQL
database and a Redis queue of its own), sets up support@example.com with an IMAP account on
that Dovecot (plain, from now on), starts one `caredesk worker` and waits until its fetcher has
synced once. One warm-up email must become a ticket before anything is timed. Then --messages
emails, each with its own subject and sender, are delivered over LMTP at --rate per second
(open loop); the wall-clock time just after each LMTP delivery returned is noted. Afterwards
the database gives, per email, its intake row's `received_at` (fetched) and its ticket's
`created_at` (processed): fetch, processing and total latency, p50/p95/p99/max.

Needs Dovecot (/usr/sbin/dovecot, Debian's dovecot-imapd and dovecot-lmtpd) and root (Dovecot
stores the mail as the `vmail` user). Prints one JSON document on stdout, progress on stderr.
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import smtplib
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # for tests/dovecot.py

from caredesk_side import Config, Deployment, postgres_reachable, redis_reachable
from corpus import SUPPORT
from ingest import log, machine
from phases import percentile, wait_for
from relay import free_port

from tests import dovecot

SUBJECT = "IMAP latency check"
LMTP_TIMEOUT = 30.0
POLL_S = 0.1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--messages", type=int, default=200, help="emails to deliver and time (default 200)"
    )
    p.add_argument(
        "--rate", type=float, default=5.0, help="emails delivered per second, open loop (default 5)"
    )
    p.add_argument(
        "--database",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="caredesk's database (default sqlite); postgresql: a scratch database on\n"
        "--postgres-url and Huey's queue on --redis-url (SQLite queue if Redis is down)",
    )
    p.add_argument(
        "--worker-threads",
        type=int,
        default=2,
        help="Huey worker threads of the one `caredesk worker` (default 2)",
    )
    p.add_argument(
        "--after",
        choices=["seen", "move", "keep"],
        default="seen",
        help="what the fetcher does with a stored email on the server (default seen)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=90.0,
        help="give up waiting for the last tickets after this many seconds without a new one\n"
        "(default 90; above the 30 s polling fallback, so a missed IDLE push shows as late,\n"
        "not missing)",
    )
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("CAREDESK_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (no database name); a database is created and dropped",
    )
    p.add_argument(
        "--redis-url",
        default=os.environ.get("CAREDESK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="Redis for Huey with --database postgresql; only this run's keys are deleted",
    )
    p.add_argument(
        "--keep",
        action="store_true",
        help="keep caredesk's home folder and database, and Dovecot's folder (debugging)",
    )
    args = p.parse_args(argv)
    if args.messages < 1 or args.rate <= 0 or args.worker_threads < 1 or args.timeout <= 0:
        p.error("--messages, --rate, --worker-threads and --timeout must be positive")
    return args


def config_for(args: argparse.Namespace) -> tuple[Config | None, str | None]:
    """The deployment's configuration, or None and why PostgreSQL cannot be used."""
    postgres_url = args.postgres_url.rstrip("/")
    if args.database == "sqlite":
        return Config(
            "sqlite", "sqlite", 1, args.worker_threads, postgres_url, args.redis_url
        ), None
    why = postgres_reachable(postgres_url)
    if why:
        return None, f"PostgreSQL unreachable at {postgres_url}: {why}"
    queue = "redis"
    why = redis_reachable(args.redis_url)
    if why:
        log(f"Redis unreachable ({why}); Huey's queue in SQLite instead")
        queue = "sqlite"
    return Config("postgresql", queue, 1, args.worker_threads, postgres_url, args.redis_url), None


def deliver(server: dovecot.Dovecot, raw: bytes, sender: str) -> None:
    """Hand one email to Dovecot over LMTP, as the mail server in front of it would."""
    with smtplib.LMTP("127.0.0.1", server.lmtp_port, timeout=LMTP_TIMEOUT) as lmtp:
        lmtp.sendmail(sender, [dovecot.USER], raw)


def epoch(value: Any) -> float:
    """A database timestamp (aware datetime from PostgreSQL, UTC text from SQLite) as Unix time."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def summary(values: list[float]) -> dict[str, float | None]:
    return {
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": round(max(values), 1) if values else None,
        "mean": round(sum(values) / len(values), 1) if values else None,
    }


class Run:
    """One benchmark run: Dovecot, a caredesk deployment with one worker, and the mail."""

    def __init__(self, args: argparse.Namespace, config: Config, stack: ExitStack) -> None:
        self.args = args
        self.config = config
        self.token = uuid.uuid4().hex[:8]
        self.prefix = f"{SUBJECT} {self.token}-"
        self.server = dovecot.Dovecot(free_port(), free_port())
        if args.keep:
            stack.callback(self._keep_dovecot)
        else:
            stack.callback(self.server.cleanup)
        # An empty relay: acknowledgements go to the outbox folder in the home, not over SMTP.
        self.deployment = Deployment(config, relay_url="", log=log)
        stack.callback(self.deployment.close, keep_home=args.keep)
        self.account_id = 0

    def _keep_dovecot(self) -> None:
        self.server.stop()
        log(f"kept Dovecot's folder {self.server.dir}")

    # -- set-up -------------------------------------------------------------------------

    def set_up(self) -> None:
        log(f"Dovecot: IMAP on {self.server.port}, LMTP on {self.server.lmtp_port}")
        self.server.start()
        log(f"caredesk: {self.config.database}, queue {self.config.queue}")
        log(f"caredesk: home {self.deployment.home}")
        self.deployment.prepare()  # migrate, mailbox add support@example.com
        secret = self.deployment.home / "imap-password"
        secret.write_text(dovecot.PASSWORD)
        secret.chmod(0o600)
        self.deployment._caredesk(
            "imap",
            "set",
            SUPPORT,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.server.port),
            "--security",
            "plain",
            "--username",
            dovecot.USER,
            "--password-file",
            str(secret),
            "--after",
            self.args.after,
            *(["--move-to", "caredesk"] if self.args.after == "move" else []),
            "--from-now",
        )
        self.account_id = int(self.deployment._query("SELECT id FROM mailboxes_imapaccount")[0][0])
        self.deployment._spawn("worker1", "worker", "--workers", str(self.args.worker_threads))
        self._wait_connected()
        self._warm_up()

    def _account(self) -> dict[str, Any]:
        rows = self.deployment._query(
            "SELECT last_success_at, last_error, failing_since, fetched_count, last_uid, "
            f"lease_owner FROM mailboxes_imapaccount WHERE id = {self.account_id}"
        )
        names = (
            "last_success_at",
            "last_error",
            "failing_since",
            "fetched_count",
            "last_uid",
            "lease_owner",
        )
        return dict(zip(names, rows[0], strict=True))

    def _wait_connected(self, timeout: float = 60) -> None:
        started = time.monotonic()
        while True:
            self.deployment.check_alive()
            account = self._account()
            if account["last_success_at"] is not None:
                log(f"fetcher connected after {time.monotonic() - started:.1f} s")
                return
            if time.monotonic() - started > timeout:
                raise RuntimeError(
                    f"the worker did not fetch within {timeout:.0f} s (last error: "
                    f"{account['last_error'] or 'none'}):\n{self.deployment.log_tail('worker1')}"
                )
            time.sleep(POLL_S)

    def _warm_up(self) -> None:
        """One email through IMAP to a ticket: proves the push works and loads every module."""
        subject = f"{SUBJECT} {self.token} warm-up"
        started = time.monotonic()
        deliver(self.server, dovecot.email(subject), "warm-up@example.net")
        if not wait_for(
            "warm-up",
            lambda: (self._tickets_like(subject) > 0, 0),
            deployment=self.deployment,
            log=log,
            stall_s=self.args.timeout,
            limit_s=self.args.timeout,
        ):
            raise RuntimeError(
                "the warm-up email did not become a ticket; the worker's log:\n"
                + self.deployment.log_tail("worker1")
            )
        log(f"warm-up email became a ticket in {time.monotonic() - started:.2f} s")
        time.sleep(1.0)  # the fetcher is back in IDLE

    def _tickets_like(self, prefix: str) -> int:
        like = prefix.replace("'", "''") + "%"
        return int(
            self.deployment._query(
                f"SELECT COUNT(*) FROM tickets_ticket WHERE subject LIKE '{like}'"
            )[0][0]
        )

    # -- the measured part --------------------------------------------------------------

    def deliver_all(self) -> dict[str, Any]:
        """Deliver the emails at the offered rate; returns when each one's delivery returned."""
        args = self.args
        delivered_at: dict[int, float] = {}  # index -> time.time() just after LMTP returned
        lmtp_ms: list[float] = []
        failed: dict[int, str] = {}
        behind_ms = 0.0
        log(f"delivering {args.messages} emails at {args.rate:g}/s over LMTP")
        start = time.monotonic() + 0.1
        last_note = start
        for index in range(args.messages):
            due = start + index / args.rate
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            else:
                behind_ms = max(behind_ms, -wait * 1000)
            raw = dovecot.email(
                f"{self.prefix}{index:05d}",
                sender=f"Customer {index} <customer{index}.{self.token}@example.net>",
            )
            began = time.monotonic()
            try:
                deliver(self.server, raw, f"customer{index}.{self.token}@example.net")
            except (OSError, smtplib.SMTPException) as exc:
                failed[index] = f"{type(exc).__name__}: {exc}"
                continue
            delivered_at[index] = time.time()
            lmtp_ms.append((time.monotonic() - began) * 1000)
            if time.monotonic() - last_note > 10:
                last_note = time.monotonic()
                self.deployment.check_alive()
                tickets = self._tickets_like(self.prefix)
                log(f"delivered {len(delivered_at)}, tickets so far {tickets}")
        span = time.monotonic() - start
        return {
            "delivered_at": delivered_at,
            "failed": failed,
            "lmtp_ms": lmtp_ms,
            "behind_ms": behind_ms,
            "achieved_rate": round((len(delivered_at) - 1) / span, 2) if span > 0 else None,
        }

    def wait_for_tickets(self, expected: int) -> bool:
        return wait_for(
            "tickets",
            lambda: ((n := self._tickets_like(self.prefix)) >= expected, n),
            deployment=self.deployment,
            log=log,
            stall_s=self.args.timeout,
            limit_s=max(600.0, self.args.timeout),
        )

    def figures(self, sent: dict[str, Any]) -> dict[str, Any]:
        delivered_at: dict[int, float] = sent["delivered_at"]
        tickets: dict[int, list[float]] = {}
        for subject, created_at in self.deployment._query(
            f"SELECT subject, created_at FROM tickets_ticket WHERE subject LIKE '{self.prefix}%'"
        ):
            index = int(subject[len(self.prefix) :])
            tickets.setdefault(index, []).append(epoch(created_at))
        intake: dict[int, list[float]] = {}
        headers = BytesHeaderParser(policy=compat32)
        for received_at, raw in self.deployment._query(
            "SELECT received_at, raw FROM inbound_inboundmessage WHERE source = 'imap'"
        ):
            subject = str(headers.parsebytes(bytes(raw))["Subject"] or "")
            if subject.startswith(self.prefix):
                index = int(subject[len(self.prefix) :])
                intake.setdefault(index, []).append(epoch(received_at))

        fetch, process, total = [], [], []
        slowest = []
        for index, at in delivered_at.items():
            fetched = min(intake[index]) if index in intake else None
            created = min(tickets[index]) if index in tickets else None
            if fetched is not None:
                fetch.append((fetched - at) * 1000)
            if created is not None:
                total.append((created - at) * 1000)
            if fetched is not None and created is not None:
                process.append((created - fetched) * 1000)
            if created is not None:
                slowest.append(
                    {
                        "index": index,
                        "to_intake_ms": round((fetched - at) * 1000, 1) if fetched else None,
                        "to_ticket_ms": round((created - at) * 1000, 1),
                    }
                )
        slowest.sort(key=lambda row: -row["to_ticket_ms"])
        ticket_dupes = sorted(i for i, found in tickets.items() if len(found) > 1)
        intake_dupes = sorted(i for i, found in intake.items() if len(found) > 1)
        unexpected = sorted(set(tickets) - set(delivered_at))
        return {
            "counts": {
                "offered": self.args.messages,
                "delivered": len(delivered_at),
                "delivery_failed": len(sent["failed"]),
                "intake_rows": sum(len(v) for v in intake.values()),
                "tickets": sum(len(v) for v in tickets.values()),
                "missing_intake": len(set(delivered_at) - set(intake)),
                "missing_tickets": len(set(delivered_at) - set(tickets)),
            },
            "duplicates": {
                "exactly_once": not ticket_dupes
                and not intake_dupes
                and not unexpected
                and set(tickets) == set(delivered_at),
                "subjects_with_several_tickets": ticket_dupes[:20],
                "subjects_with_several_intake_rows": intake_dupes[:20],
            },
            "delivery_to_intake_ms": summary(fetch),
            "intake_to_ticket_ms": summary(process),
            "delivery_to_ticket_ms": summary(total),
            "over_1s": sum(1 for v in total if v > 1000),
            "slowest": slowest[:5],
            "lmtp_delivery_ms": {
                "p50": percentile(sent["lmtp_ms"], 50),
                "p99": percentile(sent["lmtp_ms"], 99),
            },
            "offered_rate": self.args.rate,
            "achieved_rate": sent["achieved_rate"],
            "max_behind_schedule_ms": round(sent["behind_ms"], 1),
            **({"delivery_errors": list(sent["failed"].values())[:5]} if sent["failed"] else {}),
        }

    def health(self) -> dict[str, Any]:
        """What the fetcher and Dovecot saw: errors on the account, logins, worker warnings."""
        account = self._account()
        dovecot_log = (self.server.dir / "dovecot.log").read_text(errors="replace")
        worker_log = self.deployment.log_tail("worker1", 1_000_000).splitlines()
        problems = [line for line in worker_log if "WARNING" in line or "ERROR" in line]
        imap_lines = dovecot_log.splitlines()
        logins = [line for line in imap_lines if "imap-login:" in line and "Login: user=" in line]
        # Sessions that ended other than by the fetcher's LOGOUT when the worker stopped.
        ended = (re.search(r" imap\(.*: Disconnected: (.*)", line) for line in imap_lines)
        dropped = [m.group(1) for m in ended if m and not m.group(1).startswith("Logged out")]
        return {
            "account": {
                "fetched_count": account["fetched_count"],
                "last_uid": account["last_uid"],
                "last_error": account["last_error"] or None,
                "failing_since": str(account["failing_since"])
                if account["failing_since"]
                else None,
            },
            # One session is expected; more mean the fetcher reconnected (after an error).
            "imap_logins": len(logins),
            "imap_sessions_dropped": dropped[:5],
            "worker_log_problems": len(problems),
            "worker_log_sample": problems[:5],
        }


def run(args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {"machine": machine()}
    config, why = config_for(args)
    if config is None:
        raise RuntimeError(why)
    report["setup"] = {
        **config.describe(),
        "messages": args.messages,
        "rate": args.rate,
        "after_fetch": args.after,
        "dovecot": dovecot_version(),
    }
    with ExitStack() as stack:
        bench = Run(args, config, stack)
        bench.set_up()
        sent = bench.deliver_all()
        finished = bench.wait_for_tickets(len(sent["delivered_at"]))
        if not finished:
            log("not every delivered email became a ticket; see counts")
        report.update(bench.figures(sent))
        report.update(bench.health())
        if args.keep:
            report["kept"] = {"home": str(bench.deployment.home), "dovecot": str(bench.server.dir)}
    return report


def dovecot_version() -> str | None:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(
            [dovecot.DOVECOT, "--version"], capture_output=True, text=True, timeout=10, check=False
        )
        return out.stdout.strip() or None
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not dovecot.available():
        log(f"needs Dovecot at {dovecot.DOVECOT} and root (it stores mail as `vmail`)")
        return 69

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    # A shell starting us in the background ignores SIGINT, and the caredesk processes would
    # inherit that and ignore the SIGINT that asks them to stop; a handler is not inherited.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    started = time.monotonic()
    report = run(args)
    if hasattr(os, "getloadavg"):
        report["machine"]["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    report["seconds"] = round(time.monotonic() - started, 1)
    total = report["delivery_to_ticket_ms"]
    log(
        f"{report['counts']['tickets']}/{report['counts']['delivered']} tickets; delivery to "
        f"ticket p50 {total['p50']} ms, p99 {total['p99']} ms, max {total['max']} ms"
    )
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        sys.exit(130)
