"""caredesk under test: a throw-away deployment (home folder, database, queue) and its processes.

A `Deployment` runs `caredesk migrate`, `caredesk mailbox add`, then `caredesk smtpd` and one or
more `caredesk worker` processes with their own CAREDESK_* environment, and removes everything
it made on `close()`: processes, home folder, PostgreSQL database, Redis keys.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import smtplib
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from corpus import SUPPORT, SUPPORT_NAME
from relay import free_port

Log = Callable[[str], None]


@dataclass(frozen=True)
class Config:
    database: str  # "sqlite" | "postgresql"
    queue: str  # "sqlite" | "redis": where Huey keeps its queue
    worker_processes: int
    worker_threads: int
    postgres_url: str  # server URL without a database name
    redis_url: str
    log_level: str = "WARNING"

    def describe(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "queue": self.queue,
            "worker_processes": self.worker_processes,
            "worker_threads": self.worker_threads,
        }


def postgres_reachable(url: str) -> str | None:
    """None when PostgreSQL answers at `url`, else why not."""
    try:
        import psycopg

        psycopg.connect(f"{url}/postgres", connect_timeout=3).close()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()
    return None


def redis_reachable(url: str) -> str | None:
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3).ping()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()
    return None


class Deployment:
    def __init__(self, config: Config, *, relay_url: str, log: Log) -> None:
        self.config = config
        self.log = log
        self.token = f"{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.home = Path(tempfile.mkdtemp(prefix="caredesk-bench-home-"))
        self.smtp_port = 0
        self.processes: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = []
        self.db_name = ""
        self.huey_name = f"caredesk-bench-{self.token}"
        self._closed = False
        env = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
        env.update(
            {
                "CAREDESK_HOME": str(self.home),
                "CAREDESK_SMTP_RELAY": relay_url,
                "CAREDESK_LOG_LEVEL": config.log_level,
                "PYTHONUNBUFFERED": "1",
            }
        )
        if config.database == "postgresql":
            self.db_name = f"caredesk_bench_{self.token}"
            env["CAREDESK_DATABASE_URL"] = f"{config.postgres_url}/{self.db_name}"
        if config.queue == "redis":
            env["CAREDESK_REDIS_URL"] = config.redis_url
            env["CAREDESK_HUEY_NAME"] = self.huey_name
        self.env = env

    # -- set-up -------------------------------------------------------------------------

    def _caredesk(self, *args: str, timeout: float = 300) -> None:
        cmd = [sys.executable, "-m", "caredesk.cli", *args]
        result = subprocess.run(
            cmd, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"caredesk {' '.join(args)} exited {result.returncode}:\n"
                f"{(result.stderr or result.stdout)[-3000:]}"
            )

    def prepare(self) -> None:
        if self.db_name:
            self._pg_admin(f'CREATE DATABASE "{self.db_name}"')
        self._caredesk("migrate")
        self._caredesk("mailbox", "add", SUPPORT, "--name", SUPPORT_NAME)

    def _pg_admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            f"{self.config.postgres_url}/postgres", autocommit=True, connect_timeout=5
        ) as conn:
            conn.execute(sql)

    def _spawn(self, name: str, *args: str) -> None:
        log_path = self.home / f"{name}.log"
        out = open(log_path, "wb")  # noqa: SIM115 - closed in close()
        proc = subprocess.Popen(
            [sys.executable, "-m", "caredesk.cli", *args],
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((name, proc, out))

    def start(self, *, timeout: float = 60) -> None:
        self.smtp_port = free_port()
        self._spawn("smtpd", "smtpd", "--smtp", f"127.0.0.1:{self.smtp_port}")
        for k in range(self.config.worker_processes):
            self._spawn(f"worker{k + 1}", "worker", "--workers", str(self.config.worker_threads))
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            try:
                with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=5) as smtp:
                    smtp.noop()
                return
            except (OSError, smtplib.SMTPException) as exc:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"caredesk smtpd did not answer within {timeout:.0f} s: {exc}"
                    ) from exc
                time.sleep(0.2)

    def check_alive(self) -> None:
        for name, proc, _ in self.processes:
            code = proc.poll()
            if code is not None:
                how = f"signal {signal.Signals(-code).name}" if code < 0 else f"status {code}"
                raise RuntimeError(
                    f"caredesk {name} (pid {proc.pid}) ended with {how}:\n{self.log_tail(name)}"
                )

    def log_tail(self, name: str, chars: int = 3000) -> str:
        try:
            return (self.home / f"{name}.log").read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) each process has used so far; empty where /proc is absent."""
        out = {}
        tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        for name, proc, _ in self.processes:
            try:
                fields = Path(f"/proc/{proc.pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            out[name] = (int(fields[11]) + int(fields[12])) / tick
        return out

    def diagnose(self) -> dict[str, Any]:
        """What each process is doing when progress stalls: py-spy dumps if py-spy is there."""
        out: dict[str, Any] = {"intake": self.intake_counts(), "outbox": self.outbound_counts()}
        py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        for name, proc, _ in self.processes:
            if not Path(py_spy).exists() or proc.poll() is not None:
                out[name] = self.log_tail(name, 1500)
                continue
            try:
                dump = subprocess.run(
                    [py_spy, "dump", "--pid", str(proc.pid)],
                    capture_output=True,
                    text=True,
                    timeout=30,
                    check=False,
                )
                out[name] = (dump.stdout or dump.stderr)[-6000:]
            except subprocess.TimeoutExpired:
                out[name] = "py-spy dump timed out"
        self.log("stall: " + json.dumps(out)[:20000])
        return out

    def worker_pids(self) -> list[int]:
        return [p.pid for n, p, _ in self.processes if n.startswith("worker")]

    # -- observing ----------------------------------------------------------------------

    def _query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.config.database == "sqlite":
            conn = sqlite3.connect(self.home / "caredesk.sqlite3", timeout=30)
            try:
                return list(conn.execute(sql).fetchall())
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self.env["CAREDESK_DATABASE_URL"], connect_timeout=5) as pg:
            return list(pg.execute(sql).fetchall())

    def intake_counts(self) -> dict[str, int]:
        rows = self._query("SELECT status, COUNT(*) FROM inbound_inboundmessage GROUP BY status")
        return {str(s): int(n) for s, n in rows}

    def outbound_counts(self) -> dict[str, int]:
        rows = self._query("SELECT status, COUNT(*) FROM outbound_outboundemail GROUP BY status")
        return {str(s): int(n) for s, n in rows}

    def table_counts(self) -> dict[str, int]:
        out = {}
        for label, table in (
            ("tickets_created", "tickets_ticket"),
            ("ticket_messages", "tickets_message"),
            ("attachments_stored", "tickets_attachment"),
        ):
            out[label] = int(self._query(f"SELECT COUNT(*) FROM {table}")[0][0])
        return out

    def outbox_errors(self, limit: int = 3) -> list[str]:
        rows = self._query(
            "SELECT last_error, COUNT(*) FROM outbound_outboundemail WHERE last_error != '' "
            f"GROUP BY last_error ORDER BY 2 DESC LIMIT {int(limit)}"
        )
        return [f"{n} x {e}" for e, n in rows]

    def drained(self) -> tuple[bool, int]:
        """(nothing left to process or deliver, rows done so far)."""
        intake = self.intake_counts()
        outbound = self.outbound_counts()
        done = sum(n for s, n in intake.items() if s != "received") + sum(
            n for s, n in outbound.items() if s != "queued"
        )
        return not intake.get("received") and not outbound.get("queued"), done

    def quarantine_reasons(self, limit: int = 5) -> list[str]:
        rows = self._query(
            "SELECT status_reason FROM inbound_inboundmessage WHERE status = 'quarantined' "
            f"LIMIT {int(limit)}"
        )
        return [str(r[0]) for r in rows]

    # -- tear-down ----------------------------------------------------------------------

    def stop_processes(self, timeout: float = 15) -> None:
        for _, proc, _ in self.processes:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGINT)
        deadline = time.monotonic() + timeout
        for _, proc, out in self.processes:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
            out.close()

    def close(self, *, keep_home: bool = False) -> None:
        if self._closed:
            return
        self._closed = True
        problems = []
        try:
            self.stop_processes()
        except Exception as exc:
            problems.append(f"stopping processes: {exc}")
        if self.config.queue == "redis":
            try:
                self._flush_redis()
            except Exception as exc:
                problems.append(f"Redis keys of {self.huey_name}: {exc}")
        if self.db_name and keep_home:
            self.log(f"kept the database {self.db_name}: DROP DATABASE it when done")
        elif self.db_name:
            try:
                self._pg_admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            except Exception as exc:
                problems.append(f"dropping {self.db_name}: {exc}")
        if keep_home:
            self.log(f"kept {self.home}")
        else:
            shutil.rmtree(self.home, ignore_errors=True)
        for problem in problems:
            self.log(f"clean-up: {problem}")

    def _flush_redis(self) -> None:
        """Delete this run's Huey keys only: every one of them carries the unique queue name."""
        import redis

        client = redis.Redis.from_url(self.config.redis_url, socket_timeout=5)
        keys = list(client.scan_iter(match=f"huey.*{self.huey_name}*", count=500))
        if keys:
            client.delete(*keys)


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
