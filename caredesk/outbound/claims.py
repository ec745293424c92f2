"""Who holds a delivery claim, and whether that worker process is still alive.

Each worker process holds a lock that the operating system or the database releases the moment
the process dies: on PostgreSQL a session-level advisory lock on a connection of its own, on
SQLite (one machine) an exclusive `flock` on a file beside the database. A claim names its
worker's token; a claim whose token's lock is free belongs to a dead worker and may be taken at
once (docs/decisions/0014-delivery-claims.md).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import connection

# The advisory lock's first key: caredesk's delivery workers ("cd" "ow"), the second its token.
_NAMESPACE = 0x63646F77
_guard = threading.Lock()
_held: dict[str, Any] = {}  # pid, token, and the connection or file that holds the lock


def _pg_params() -> dict[str, Any]:
    db = connection.settings_dict
    params = {
        "dbname": db["NAME"],
        "user": db["USER"],
        "password": db["PASSWORD"],
        "host": db["HOST"],
        "port": db["PORT"],
    }
    # Keepalives: a worker whose machine vanishes loses its lock within about 20 s.
    extra = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5}
    return {k: v for k, v in params.items() if v} | extra


def _pg_hold(token: str | None) -> tuple[str, Any]:
    import psycopg

    conn = psycopg.connect(**_pg_params(), autocommit=True)
    while True:
        key = token or str(secrets.randbelow(2**31 - 1) + 1)
        row = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (_NAMESPACE, int(key))).fetchone()
        if row and row[0]:
            return key, conn
        if token:  # ours, yet held: another connection of this process still has it
            return key, conn
        # an unlikely clash with a live worker's random key: draw again


def _sqlite_dir() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:") or ":memory:" in name or not name:
        return Path(tempfile.gettempdir()) / "caredesk-workers"
    path = Path(name)
    return path.parent / f"{path.name}.workers"


def _sqlite_hold(token: str | None) -> tuple[str, Any]:
    folder = _sqlite_dir()
    folder.mkdir(parents=True, exist_ok=True)
    key = token or secrets.token_hex(8)
    handle = open(folder / f"{key}.lock", "a")  # noqa: SIM115 (held for the process's life)
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return key, handle


def _alive(held: dict[str, Any]) -> bool:
    if connection.vendor != "postgresql":
        return True  # a file lock cannot be lost while the process lives
    try:
        held["lock"].execute("SELECT 1")
    except Exception:
        return False
    return True


def worker_token() -> str:
    """This process's token, its lock taken (again, if the lock's connection was lost)."""
    with _guard:
        if _held.get("pid") == os.getpid() and _alive(_held):
            return str(_held["token"])
        previous = _held.get("token") if _held.get("pid") == os.getpid() else None
        hold = _pg_hold if connection.vendor == "postgresql" else _sqlite_hold
        token, lock = hold(previous)
        _held.update(pid=os.getpid(), token=token, lock=lock)
        return token


def live_tokens(tokens: Iterable[str]) -> set[str]:
    """Those of `tokens` whose worker process still holds its lock."""
    wanted = {t for t in tokens if t}
    if not wanted:
        return set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT objid::text FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND classid = %s AND objsubid = 2"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                [_NAMESPACE],
            )
            return wanted & {row[0] for row in cursor.fetchall()}
    mine = _held.get("token") if _held.get("pid") == os.getpid() else None
    folder = _sqlite_dir()
    live = set()
    for token in wanted:
        if token == mine:
            live.add(token)
            continue
        path = folder / f"{token}.lock"
        if not path.exists():
            continue
        with open(path, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                live.add(token)
                continue
        with contextlib.suppress(OSError):
            path.unlink()  # its worker is gone
    return live


def release() -> None:
    """Give this process's lock up (its claims then count as a dead worker's)."""
    with _guard:
        lock = _held.pop("lock", None)
        _held.clear()
    if lock is not None:
        with contextlib.suppress(Exception):
            lock.close()
