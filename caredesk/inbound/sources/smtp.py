"""The SMTP intake server (aiosmtpd): a thin adapter over the store-first receive service.

Unknown recipients are refused at RCPT (550), oversize mail at DATA (552), mail with bare LF
line endings at DATA (554), and "250 accepted" is answered only after the raw email is
committed. Every failure of ours, at any stage, is `451 4.3.0` with a plain one-line reason:
the sender's server keeps the email and retries, and nothing of the failure leaks (see
docs/decisions/0013-our-failure-is-a-4xx.md). Emails whose senders wait at the same moment are
committed together (group commit): one transaction for many, each sender still answered only
after it.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, AnyStr

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections, connections

from caredesk.inbound.models import IntakeStatus, Source
from caredesk.inbound.receive import Arrival
from caredesk.inbound.sources.smtp_guard import RefusalGuard, RefusalPolicy
from caredesk.inbound.sources.smtp_store import (
    UNREACHABLE,
    GroupCommit,
    drop_connection,
    known_addresses,
)
from caredesk.mailboxes.selectors import Recipient, recipient_resolve

log = logging.getLogger(__name__)

ADDRESS_CACHE_SECONDS = 5.0
NOTIFY_SECONDS = 0.02

# Our failures: 4xx, one line, no exception text (which can hold newlines and internals).
TRY_LATER_LOOKUP = "451 4.3.0 Cannot look up recipients now, please try again later"
TRY_LATER_STORE = "451 4.3.0 Could not store the message now, please try again later"
TRY_LATER = "451 4.3.0 Local error, please try again later"
NO_SUCH_MAILBOX = "550 5.1.1 No such mailbox here"
TOO_MANY_REFUSALS = "421 4.7.0 Too many unknown recipients, closing connection"
# RFC 5321 2.3.8 wants CRLF; a bare LF is how SMTP smuggling hides a second email in one.
BARE_LF = "554 5.5.2 Bare LF line ending refused, lines must end with CRLF (RFC 5321 2.3.8)"
_BARE_LF = re.compile(rb"(?<!\r)\n")


class IntakeHandler:
    def __init__(self, *, threads: int = 4, guard: RefusalGuard | None = None) -> None:
        self.threads = threads
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="smtp-lookup")
        self.storage = GroupCommit()
        self.guard = guard or RefusalGuard(RefusalPolicy.from_settings())
        self._known: dict[str, int] = {}
        self._known_at = 0.0
        self._notify_pending = False

    async def _mailboxes(self) -> dict[str, int]:
        if time.monotonic() - self._known_at > ADDRESS_CACHE_SECONDS:
            loop = asyncio.get_running_loop()
            self._known = await loop.run_in_executor(self.executor, known_addresses)
            self._known_at = time.monotonic()
        return self._known

    async def _known_now(self) -> dict[str, int]:
        """The addresses, or while the database is out of reach the ones known last."""
        try:
            return await self._mailboxes()
        except Exception:
            if not self._known:
                raise
            return self._known

    async def _resolve(self, address: str) -> Recipient | None:
        """What `address` is; raises when that cannot be known now (the database is down and
        the address is not among those known last: it may have been added since)."""
        recipient = recipient_resolve(address, await self._known_now())
        if recipient is None:
            # Refresh once: the mailbox may have been added since the cache was filled.
            self._known_at = 0.0
            recipient = recipient_resolve(address, await self._mailboxes())
        return recipient

    def close(self) -> None:
        """Stop storing, then close every thread's database connection and the threads."""
        self.storage.close()
        barrier = threading.Barrier(self.threads)
        for _ in range(self.threads):
            self.executor.submit(_close_connections, barrier)
        self.executor.shutdown(wait=True)

    async def handle_exception(self, error: Exception) -> str:
        """Any other failure of ours while serving a command (aiosmtpd would answer 500 with
        the exception's text)."""
        log.error("SMTP session failed (%s); asked the sender to retry", _why(error))
        log.debug("SMTP session failure", exc_info=error)
        return TRY_LATER

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        try:
            recipient = await self._resolve(address)
        except Exception as exc:
            log.error("could not look up a recipient (%s); asked the sender to retry", _why(exc))
            return TRY_LATER_LOOKUP
        if recipient is None:
            verdict = self.guard.refused(session, _peer_ip(session))
            if verdict.delay:
                await asyncio.sleep(verdict.delay)
            if verdict.close:
                log.info("closed a session from %s at its refused recipients' limit", session.peer)
                return TOO_MANY_REFUSALS  # IntakeSMTP closes the connection after sending it
            return NO_SUCH_MAILBOX
        envelope.rcpt_tos.append(address)
        return "250 OK"

    @staticmethod
    def _arrivals(raw: bytes, envelope: Envelope, known: dict[str, int]) -> list[Arrival]:
        by_mailbox: dict[tuple[int, bool], list[str]] = {}
        for rcpt in envelope.rcpt_tos:
            recipient = recipient_resolve(rcpt, known)
            if recipient is not None:
                key = (recipient.mailbox_id, recipient.for_admins)
                by_mailbox.setdefault(key, []).append(rcpt)
        # One intake row per mailbox addressed, each with the recipients that concern it; mail
        # to postmaster@ or abuse@ gets a row of its own that only admins see and no worker takes.
        return [
            Arrival(
                raw,
                mailbox_id,
                Source.SMTP,
                envelope.mail_from or "",
                tuple(rcpts),
                status=IntakeStatus.POSTMASTER if for_admins else IntakeStatus.RECEIVED,
                status_reason=f"addressed to {', '.join(rcpts)}" if for_admins else "",
            )
            for (mailbox_id, for_admins), rcpts in by_mailbox.items()
        ]

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if _BARE_LF.search(raw):
            log.info("refused an email with bare LF line endings from %s", session.peer)
            return BARE_LF
        loop = asyncio.get_running_loop()
        try:
            known = await self._known_now()
            arrivals = self._arrivals(raw, envelope, known)
            ids = await asyncio.wrap_future(self.storage.submit(arrivals))
        except Exception as exc:
            log.error(
                "could not store an incoming email (%s); asked the sender to retry", _why(exc)
            )
            return TRY_LATER_STORE
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


def _why(exc: BaseException) -> str:
    """An exception's first line, for the log: database errors run to several lines."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}"[:300]


def _peer_ip(session: Session) -> str:
    peer: Any = session.peer
    return str(peer[0]) if isinstance(peer, tuple) and peer else str(peer)


def _announce() -> None:
    from caredesk.inbound.tasks import process_waiting_inbound

    try:
        close_old_connections()
        process_waiting_inbound()
    except Exception as exc:  # the queue is down: the workers' periodic sweep finds the mail
        if isinstance(exc, UNREACHABLE):
            drop_connection()
        log.error("could not announce new mail to the workers (%s)", _why(exc))


class IntakeSMTP(SMTP):
    """aiosmtpd's SMTP with two changes of ours.

    Lines of any length are accepted in DATA, up to the largest message: RFC 5321's 1,000
    octets are a limit real mailers break (webmail's unwrapped HTML, Outlook), and Postfix
    accepts such mail, so we store it byte for byte. aiosmtpd's limit is the one of its stream
    reader, for commands too; commands keep their own limits (512 octets and its extensions).
    And a 421 reply closes the connection, as RFC 5321 4.2.2 means it to.
    """

    def __init__(self, handler: Any, *, line_length_limit: int, **kwargs: Any) -> None:
        self.line_length_limit = line_length_limit
        super().__init__(handler, **kwargs)

    async def push(self, status: AnyStr) -> None:
        await super().push(status)
        closing = status.startswith("421" if isinstance(status, str) else b"421")
        if closing and self.transport is not None:
            self.transport.close()


class IntakeController(Controller):
    def __init__(
        self, host: str, port: int, *, threads: int = 4, guard: RefusalGuard | None = None
    ) -> None:
        self.intake = IntakeHandler(threads=threads, guard=guard)
        super().__init__(
            self.intake,
            hostname=host,
            port=port,
            data_size_limit=settings.CAREDESK_MAX_MESSAGE_SIZE,
            decode_data=False,
            enable_SMTPUTF8=True,
            ident="caredesk",
        )

    def factory(self) -> IntakeSMTP:
        # A line may be as long as the largest message (plus its CRLF and a stuffed dot).
        limit = settings.CAREDESK_MAX_MESSAGE_SIZE + 3
        return IntakeSMTP(self.handler, line_length_limit=limit, **self.SMTP_kwargs)

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
