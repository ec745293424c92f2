"""The SMTP server's database side: the group commit, and the lookups it answers RCPT with.

Every function here runs in a thread of its own, never on the event loop. When the database
fails (it restarts, the network drops), the thread's connection is closed, so the next email or
lookup opens a fresh one: the server recovers on its own as soon as the database is back.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from concurrent.futures import Future

from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
)

from caredesk.inbound.receive import Arrival, inbound_receive_many
from caredesk.mailboxes.selectors import mailbox_addresses

log = logging.getLogger(__name__)

GROUP_COMMIT_MAX = 64  # emails
GROUP_COMMIT_BYTES = 16 * 1024 * 1024  # a group stops growing past this much mail

# What a database that is down, restarting or out of reach raises (psycopg's and sqlite3's
# errors arrive wrapped as these).
UNREACHABLE = (OperationalError, InterfaceError)


def drop_connection() -> None:
    """Close this thread's connection after a failure, so the next query opens a new one.

    Django only closes a broken connection at the next `close_old_connections()` if it sees it
    as unusable; a connection whose server went away in the middle of a transaction can look
    usable for a while, so it is closed outright.
    """
    with contextlib.suppress(Exception):  # closing a dead connection may itself fail
        connection.close()


def known_addresses() -> dict[str, int]:
    """Every mailbox address and its id, read afresh (in a lookup thread)."""
    close_old_connections()
    try:
        return mailbox_addresses()
    except UNREACHABLE:
        drop_connection()
        raise


class GroupCommit:
    """One thread that stores every email waiting to be stored in one transaction.

    While it commits one group, the next forms: under load, many senders share a commit; alone,
    an email is stored at once. If a group fails, its emails are tried one by one, so one email
    the database refuses does not fail the others; if the database is out of reach, the whole
    group fails at once (each email would only fail the same way) and the next group reconnects.
    """

    def __init__(self) -> None:
        self._waiting: queue.SimpleQueue[tuple[list[Arrival], Future[list[int]]] | None] = (
            queue.SimpleQueue()
        )
        self._thread = threading.Thread(target=self._run, name="smtp-store", daemon=True)
        self._thread.start()

    def submit(self, arrivals: list[Arrival]) -> Future[list[int]]:
        """The intake row ids of `arrivals`, once committed."""
        done: Future[list[int]] = Future()
        self._waiting.put((arrivals, done))
        return done

    def close(self) -> None:
        self._waiting.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        try:
            while (first := self._waiting.get()) is not None:
                group = [first]
                size = sum(len(a.raw) for a in first[0])
                while len(group) < GROUP_COMMIT_MAX and size < GROUP_COMMIT_BYTES:
                    try:
                        more = self._waiting.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        self._waiting.put(None)  # finish this group, then stop
                        break
                    group.append(more)
                    size += sum(len(a.raw) for a in more[0])
                self._store(group)
        finally:
            connections.close_all()

    def _store(self, group: list[tuple[list[Arrival], Future[list[int]]]]) -> None:
        try:
            close_old_connections()
            rows = inbound_receive_many([a for arrivals, _ in group for a in arrivals])
        except UNREACHABLE as exc:
            drop_connection()
            for _, done in group:
                done.set_exception(exc)
            return
        except Exception as exc:
            if len(group) == 1:
                group[0][1].set_exception(exc)
            else:
                for one in group:
                    self._store([one])
            return
        ids = iter(row.pk for row in rows)
        for arrivals, done in group:
            done.set_result([next(ids) for _ in arrivals])
