"""The SMTP intake server (aiosmtpd): a thin adapter over the store-first receive service.

Unknown recipients are refused at RCPT (550), oversize mail at DATA (552), and "250 accepted"
is answered only after the raw email is committed; if storing fails the client hears 451 and
retries later. Emails whose senders wait at the same moment are committed together (group
commit): one transaction for many, each sender still answered only after it.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections, connections

from caredesk.inbound.models import Source
from caredesk.inbound.receive import Arrival, inbound_receive_many
from caredesk.mailboxes.selectors import mailbox_addresses, recipient_resolve

log = logging.getLogger(__name__)

ADDRESS_CACHE_SECONDS = 5.0
NOTIFY_SECONDS = 0.02
GROUP_COMMIT_MAX = 64  # emails
GROUP_COMMIT_BYTES = 16 * 1024 * 1024  # a group stops growing past this much mail


class GroupCommit:
    """One thread that stores every email waiting to be stored in one transaction.

    While it commits one group, the next forms: under load, many senders share a commit; alone,
    an email is stored at once. If a group fails, its emails are tried one by one, so one email
    the database refuses does not fail the others.
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
        close_old_connections()
        try:
            rows = inbound_receive_many([a for arrivals, _ in group for a in arrivals])
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


class IntakeHandler:
    def __init__(self, *, threads: int = 4) -> None:
        self.threads = threads
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="smtp-lookup")
        self.storage = GroupCommit()
        self._known: dict[str, int] = {}
        self._known_at = 0.0
        self._notify_pending = False

    def _addresses(self) -> dict[str, int]:
        close_old_connections()
        return mailbox_addresses()

    async def _mailboxes(self) -> dict[str, int]:
        if time.monotonic() - self._known_at > ADDRESS_CACHE_SECONDS:
            loop = asyncio.get_running_loop()
            self._known = await loop.run_in_executor(self.executor, self._addresses)
            self._known_at = time.monotonic()
        return self._known

    def close(self) -> None:
        """Stop storing, then close every thread's database connection and the threads."""
        self.storage.close()
        barrier = threading.Barrier(self.threads)
        for _ in range(self.threads):
            self.executor.submit(_close_connections, barrier)
        self.executor.shutdown(wait=True)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        recipient = recipient_resolve(address, await self._mailboxes())
        if recipient is None:
            # Refresh once: the mailbox may have been added since the cache was filled.
            self._known_at = 0.0
            recipient = recipient_resolve(address, await self._mailboxes())
        if recipient is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    @staticmethod
    def _arrivals(raw: bytes, envelope: Envelope, known: dict[str, int]) -> list[Arrival]:
        by_mailbox: dict[int, list[str]] = {}
        for rcpt in envelope.rcpt_tos:
            recipient = recipient_resolve(rcpt, known)
            if recipient is not None:
                by_mailbox.setdefault(recipient.mailbox_id, []).append(rcpt)
        # One intake row per mailbox addressed, each with the recipients that concern it.
        return [
            Arrival(raw, mailbox_id, Source.SMTP, envelope.mail_from or "", tuple(rcpts))
            for mailbox_id, rcpts in by_mailbox.items()
        ]

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            known = await self._mailboxes()
            arrivals = self._arrivals(raw, envelope, known)
            ids = await asyncio.wrap_future(self.storage.submit(arrivals))
        except Exception:
            log.exception("could not store an incoming email; asked the sender to retry")
            return "451 4.3.0 Could not store the message now, please try again later"
        self._notify_soon(loop)
        return f"250 2.0.0 Accepted as {','.join(str(i) for i in ids)}"

    def _notify_soon(self, loop: asyncio.AbstractEventLoop) -> None:
        """Tell the workers there is mail, at most once per NOTIFY_SECONDS.

        A worker job processes every email waiting when it runs, so one announcement covers a
        burst. The announcement always comes after the last email of a burst was committed, so
        none is left waiting (and the workers' periodic sweep is there besides).
        """
        if self._notify_pending:
            return
        self._notify_pending = True
        loop.call_later(NOTIFY_SECONDS, self._notify, loop)

    def _notify(self, loop: asyncio.AbstractEventLoop) -> None:
        self._notify_pending = False
        loop.run_in_executor(self.executor, _announce)


def _announce() -> None:
    from caredesk.inbound.tasks import process_waiting_inbound

    try:
        process_waiting_inbound()
    except Exception:  # the queue is down: the workers' periodic sweep finds the mail
        log.exception("could not announce new mail to the workers")


class IntakeController(Controller):
    def __init__(self, host: str, port: int, *, threads: int = 4) -> None:
        self.intake = IntakeHandler(threads=threads)
        super().__init__(
            self.intake,
            hostname=host,
            port=port,
            data_size_limit=settings.CAREDESK_MAX_MESSAGE_SIZE,
            decode_data=False,
            enable_SMTPUTF8=True,
            ident="caredesk",
        )

    def stop(self, *args: Any, **kwargs: Any) -> None:
        super().stop(*args, **kwargs)
        self.intake.close()


def _close_connections(barrier: threading.Barrier) -> None:
    connections.close_all()
    barrier.wait(timeout=10)  # hold this thread so every other thread gets one call too


def serve(host: str, port: int) -> None:
    """Run the SMTP server in the foreground until interrupted."""
    controller = IntakeController(host, port)
    controller.start()
    log.info("SMTP intake listening on %s:%s", host, port)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
