"""A database outage under SMTP load, with real parts: a private PostgreSQL this code starts,
stops and starts again on a private port, `caredesk smtpd` as its own process, and senders
that behave as a real MTA does (keep the email and retry on 4xx, give up on 5xx).

Used by tests/pipeline/test_smtp_outage.py (a short run) and bench/smtp_outage.py (the issue's
1,000 emails through a 20 s outage).
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tests.mail import make_email

PG_BIN = Path(os.environ.get("CAREDESK_PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_available() -> bool:
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()


class PrivatePostgres:
    """A throw-away PostgreSQL cluster of our own, on a free loopback port (trust auth)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="cdpg-"))
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0  # initdb and postgres refuse to run as root
        if self._as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def _run(self, *args: str) -> None:
        cmd = ["runuser", "-u", "postgres", "--", *args] if self._as_postgres else list(args)
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {result.stderr or result.stdout}")

    def init(self) -> None:
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "log"),
            "-w", "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        """Stop at once, as a crash or a failover does: open connections are cut."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{self.url}/{name}"

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Smtpd:
    """`caredesk migrate`, `caredesk mailbox add`, then `caredesk smtpd` in its own process."""

    def __init__(self, database_url: str, mailbox: str = "support@example.com") -> None:
        self.home = Path(tempfile.mkdtemp(prefix="caredesk-outage-"))
        self.port = _free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.env.update(
            CAREDESK_HOME=str(self.home),
            CAREDESK_DATABASE_URL=database_url,
            CAREDESK_LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        self.mailbox = mailbox
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def _caredesk(self, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "caredesk.cli", *args],
            env=self.env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"caredesk {args[0]}: {result.stderr[-2000:]}")

    def start(self) -> None:
        self._caredesk("migrate")
        self._caredesk("mailbox", "add", self.mailbox)
        self._log = open(self.home / "smtpd.log", "wb")  # noqa: SIM115 - closed in close()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "caredesk.cli", "smtpd", "--smtp", f"127.0.0.1:{self.port}"],
            env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                with smtplib.SMTP("127.0.0.1", self.port, timeout=5) as client:
                    client.noop()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"caredesk smtpd did not start: {self.log()}") from None
                time.sleep(0.1)

    def log(self) -> str:
        return (self.home / "smtpd.log").read_text(errors="replace")[-3000:]

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self._log is not None:
            self._log.close()
        shutil.rmtree(self.home, ignore_errors=True)


@dataclass
class Tally:
    """What the senders heard, over all attempts."""

    accepted: int = 0
    permanent: list[str] = field(default_factory=list)  # 5xx answers: a real MTA bounces
    temporary: Counter[str] = field(default_factory=Counter)  # 4xx answers by code, or "dropped"
    malformed: list[str] = field(default_factory=list)  # replies of more than one line, etc.
    lock: threading.Lock = field(default_factory=threading.Lock)


def _send_until_accepted(
    raw: bytes, port: int, client: list[smtplib.SMTP | None], tally: Tally, retry: float
) -> None:
    while True:
        reply: bytes | str
        try:
            smtp = client[0] or smtplib.SMTP("127.0.0.1", port, timeout=30)
            client[0] = smtp
            smtp.sendmail("customer@example.net", ["support@example.com"], raw)
            with tally.lock:
                tally.accepted += 1
            return
        except smtplib.SMTPRecipientsRefused as refused:
            ((code, reply),) = refused.recipients.values()
        except smtplib.SMTPResponseException as failed:
            code, reply = failed.smtp_code, failed.smtp_error
        except (OSError, smtplib.SMTPServerDisconnected):
            code, reply = 0, b"connection dropped"
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        with tally.lock:
            if "\n" in text or (code and not text.startswith("4.") and 400 <= code < 500):
                tally.malformed.append(f"{code} {text}")
            if code >= 500:
                tally.permanent.append(f"{code} {text}")
                return
            tally.temporary[str(code or "dropped")] += 1
        if code in (0, 421) and client[0] is not None:
            try:
                client[0].close()
            finally:
                client[0] = None
        time.sleep(retry)


def run_outage(
    *,
    emails: int,
    outage_seconds: float,
    outage_after: int,
    senders: int = 4,
    rate: float = 50.0,
    retry: float = 0.5,
) -> dict[str, Any]:
    """Send `emails` over SMTP at about `rate` per second from `senders` connections; stop the
    database once `outage_after` are accepted, for `outage_seconds`; count what was stored."""
    import psycopg

    pg = PrivatePostgres()
    smtpd: Smtpd | None = None
    try:
        pg.init()
        pg.start()
        url = pg.create_database("caredesk")
        smtpd = Smtpd(url)
        smtpd.start()
        raws = [make_email(subject=f"Outage {i}", message_id=f"<outage.{i}@example.net>")
                for i in range(emails)]  # fmt: skip
        tally = Tally()
        started = time.monotonic()
        outage: dict[str, float] = {}

        def sender(k: int) -> None:
            client: list[smtplib.SMTP | None] = [None]
            for i in range(k, emails, senders):
                wait = started + i / rate - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                _send_until_accepted(raws[i], smtpd.port, client, tally, retry)
            if client[0] is not None:
                client[0].quit()

        def database_down() -> None:
            while tally.accepted < outage_after:
                time.sleep(0.01)
            outage["stopped_at"] = time.monotonic() - started
            pg.stop()
            time.sleep(outage_seconds)
            pg.start()
            outage["started_at"] = time.monotonic() - started

        threads = [threading.Thread(target=sender, args=(k,)) for k in range(senders)]
        threads.append(threading.Thread(target=database_down))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        with psycopg.connect(url) as conn:
            raw_rows = conn.execute("SELECT raw FROM inbound_inboundmessage").fetchall()
        ids = Counter(
            str(email.message_from_bytes(bytes(r[0]), policy=email.policy.default)["Message-ID"])
            for r in raw_rows
        )
        return {
            "emails": emails,
            "senders": senders,
            "offered_rate_per_s": rate,
            "outage_seconds": outage_seconds,
            "database_stopped_at_s": round(outage["stopped_at"], 2),
            "database_started_at_s": round(outage["started_at"], 2),
            "elapsed_s": round(elapsed, 2),
            "accepted": tally.accepted,
            "stored": len(raw_rows),
            "stored_distinct": len(ids),
            "duplicated": len(raw_rows) - len(ids),
            "missing": emails - len(ids),
            "permanent_refusals": len(tally.permanent),
            "permanent_examples": tally.permanent[:3],
            "temporary_answers": dict(tally.temporary),
            "malformed_answers": tally.malformed[:3],
        }
    finally:
        if smtpd is not None:
            smtpd.close()
        pg.close()
