"""Outgoing mail transports: one small class each, with one method, chosen by a dotted path.

`SmtpRelayTransport` sends through `CAREDESK_SMTP_RELAY`; `MaildirTransport` (the embedded
default) writes each email into a Maildir so nothing is sent by surprise; `MemoryTransport` keeps
them in a list for tests.
"""

from __future__ import annotations

import contextlib
import mailbox
import smtplib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """Sending failed. `permanent` when retrying cannot help (the relay refused the recipient)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Envelope:
    mail_from: str
    rcpt_to: tuple[str, ...]
    data: bytes

    @property
    def needs_smtputf8(self) -> bool:
        """An address beyond ASCII can only be sent to a relay offering SMTPUTF8 (RFC 6531)."""
        return not all(a.isascii() for a in (self.mail_from, *self.rcpt_to))


class Transport(Protocol):
    def send(self, envelope: Envelope) -> None: ...


class SmtpRelayTransport:
    """Sends through an SMTP relay, keeping one connection open per thread between emails."""

    def __init__(self, url: str | None = None, timeout: float = 30.0) -> None:
        parts = urlsplit(url or settings.CAREDESK_SMTP_RELAY)
        if parts.scheme not in ("smtp", "smtps", "smtp+starttls"):
            raise ValueError("CAREDESK_SMTP_RELAY must look like smtp://host:port")
        self.scheme = parts.scheme
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.username = parts.username
        self.password = parts.password
        self.timeout = timeout
        self._local = threading.local()

    def _connect(self) -> smtplib.SMTP:
        conn: smtplib.SMTP
        if self.scheme == "smtps":
            conn = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout)
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.scheme == "smtp+starttls":
                conn.starttls()
        if self.username:
            conn.login(self.username, self.password or "")
        return conn

    def _connection(self) -> smtplib.SMTP:
        conn: smtplib.SMTP | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    def _options(self, conn: smtplib.SMTP, envelope: Envelope) -> list[str]:
        """MAIL FROM's options; refuses, before any command, what this relay cannot take, so
        the kept-open connection is never left halfway through an email."""
        if not envelope.needs_smtputf8:
            return []
        conn.ehlo_or_helo_if_needed()
        if not conn.has_extn("smtputf8"):
            beyond = [a for a in (envelope.mail_from, *envelope.rcpt_to) if not a.isascii()]
            raise DeliveryError(
                f"the relay does not offer SMTPUTF8, which the address {', '.join(beyond)} "
                "needs (an address beyond ASCII); ask its operator to enable SMTPUTF8",
                permanent=True,
            )
        return ["SMTPUTF8"]

    def send(self, envelope: Envelope) -> None:
        for attempt in (1, 2):
            try:
                conn = self._connection()
                refused = conn.sendmail(
                    envelope.mail_from,
                    list(envelope.rcpt_to),
                    envelope.data,
                    mail_options=self._options(conn, envelope),
                )
            except DeliveryError:
                raise
            except smtplib.SMTPRecipientsRefused as exc:
                # smtplib has already sent RSET: the connection is ready for the next email.
                raise DeliveryError(_describe(exc.recipients), permanent=_permanent(exc)) from exc
            except smtplib.SMTPResponseException as exc:
                self._drop()
                raise DeliveryError(
                    f"{exc.smtp_code} {exc.smtp_error!r}", permanent=500 <= exc.smtp_code < 600
                ) from exc
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                # A kept-open connection may have been closed by the relay: reconnect once.
                self._drop()
                if attempt == 2:
                    raise DeliveryError(f"relay unreachable: {exc}") from exc
                continue
            except BaseException:
                # Anything else (an encoding error halfway through the envelope, a bug) may
                # leave the relay mid-transaction: the next email must start on a fresh one.
                self._drop()
                raise
            if refused:
                raise DeliveryError(_describe(refused), permanent=True)
            return


def _describe(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{rcpt}: {code} {msg.decode(errors='replace')}" for rcpt, (code, msg) in refused.items()
    )


def _permanent(exc: smtplib.SMTPRecipientsRefused) -> bool:
    return all(500 <= code < 600 for code, _ in exc.recipients.values())


class MaildirTransport:
    """Writes every outgoing email into a Maildir under the home folder instead of sending it."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or settings.CAREDESK_OUTBOX_MAILDIR)

    def send(self, envelope: Envelope) -> None:
        box = mailbox.Maildir(self.path, create=True)
        header = (
            f"X-MailFrom: {envelope.mail_from}\r\nX-RcptTo: {', '.join(envelope.rcpt_to)}\r\n"
        ).encode()
        box.add(header + envelope.data)


class MemoryTransport:
    """Keeps sent envelopes in a class-level list (tests)."""

    sent: list[Envelope] = []

    def send(self, envelope: Envelope) -> None:
        MemoryTransport.sent.append(envelope)


_cached: dict[str, Transport] = {}


def get_transport() -> Transport:
    path = settings.CAREDESK_OUTBOUND_TRANSPORT
    key = f"{path}|{settings.CAREDESK_SMTP_RELAY}"
    if key not in _cached:
        _cached.clear()
        _cached[key] = import_string(path)()
    return _cached[key]
