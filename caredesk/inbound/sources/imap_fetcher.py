"""Keeping IMAP mailboxes fetched: one session per account at a time, across every worker.

Each worker process runs `ImapFetchers`: every few seconds it looks for enabled accounts that
no worker holds and takes their lease (a row update that succeeds for one worker only). A
fetcher thread then keeps a session open: it stores what is new, waits with IDLE when the
server offers it (polling otherwise), and renews the lease every few seconds. A worker that
dies stops renewing; another takes the account over once the lease runs out. Network and login
failures are recorded on the account (its health), retried with growing pauses, and raise an
alert for admins once an account has failed for CAREDESK_IMAP_ALERT_MINUTES.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from caredesk.accounts.models import Agent, Role
from caredesk.core import clock
from caredesk.inbound.sources.imap import (
    ImapProblem,
    LeaseLost,
    imap_close,
    imap_connect,
    imap_news,
    imap_sync,
)
from caredesk.mailboxes.models import ImapAccount
from caredesk.notifications.models import Notification

log = logging.getLogger(__name__)

HEARTBEAT = 10.0  # seconds between lease renewals (and IDLE restarts)
SCAN = 5.0  # seconds between looks for accounts nobody fetches
CONNECTION_FIELDS = (
    "enabled",
    "host",
    "port",
    "security",
    "username",
    "auth",
    "secret",
    "token_provider",
    "folder",
    "after_fetch",
    "move_to",
)


def new_owner() -> str:
    """A lease owner name unique to this process and start."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def imap_lease_acquire(*, account_id: int, owner: str) -> bool:
    """Take or renew the account's lease; False while another worker holds it."""
    now = clock.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner)
    return (
        ImapAccount.objects.filter(Q(pk=account_id, enabled=True) & free).update(
            lease_owner=owner,
            lease_until=now + timedelta(seconds=settings.CAREDESK_IMAP_LEASE_SECONDS),
        )
        == 1
    )


def imap_lease_release(*, account_id: int, owner: str) -> None:
    ImapAccount.objects.filter(pk=account_id, lease_owner=owner).update(
        lease_owner="", lease_until=None
    )


def imap_problem_record(*, account_id: int, message: str) -> None:
    """Put a failure on the account's health, and alert admins once it has lasted long."""
    now = clock.now()
    account = ImapAccount.objects.select_related("mailbox").filter(pk=account_id).first()
    if account is None:
        return
    account.last_error = message[:1000]
    account.last_error_at = now
    account.failing_since = account.failing_since or now
    fields = ["last_error", "last_error_at", "failing_since"]
    limit = timedelta(minutes=settings.CAREDESK_IMAP_ALERT_MINUTES)
    if account.alerted_at is None and now - account.failing_since >= limit:
        account.alerted_at = now
        fields.append("alerted_at")
        minutes = int((now - account.failing_since).total_seconds() // 60)
        text = f"Fetching {account.mailbox} over IMAP has failed for {minutes} minutes: {message}"
        admins = Agent.objects.filter(is_active=True, role=Role.ADMIN)
        Notification.objects.bulk_create(
            [Notification(agent=a, kind="imap_failing", text=text[:500]) for a in admins]
        )
        log.error("imap %s: %s", account.mailbox, text)
    account.save(update_fields=fields)


def backoff_seconds(failures: int) -> float:
    """5 s, 10 s, 20 s ... up to 5 minutes (the base is CAREDESK_IMAP_BACKOFF_SECONDS)."""
    base = settings.CAREDESK_IMAP_BACKOFF_SECONDS
    return float(min(300.0, base * 2 ** max(failures - 1, 0)))


class AccountFetcher(threading.Thread):
    """Keeps one account fetched for as long as this worker holds its lease."""

    def __init__(self, account_id: int, owner: str, stop: threading.Event) -> None:
        super().__init__(name=f"imap-{account_id}", daemon=True)
        self.account_id = account_id
        self.owner = owner
        self.stop = stop
        self.server = "the IMAP server"

    def run(self) -> None:
        failures = 0
        try:
            while not self.stop.is_set():
                if not imap_lease_acquire(account_id=self.account_id, owner=self.owner):
                    return  # disabled, deleted, or another worker has it
                try:
                    self._session()
                    failures = 0
                except LeaseLost:
                    return
                except (ImapProblem, OSError, IMAPClientError) as exc:
                    failures += 1
                    message = str(exc) or type(exc).__name__
                    if not isinstance(exc, ImapProblem):
                        message = f"connection to {self.server} lost: {message}"
                    log.warning("imap account %s: %s", self.account_id, message)
                    imap_problem_record(account_id=self.account_id, message=message)
                    self.stop.wait(backoff_seconds(failures))
                except Exception as exc:  # a bug: keep the account's health honest, retry
                    failures += 1
                    log.exception("imap account %s: unexpected failure", self.account_id)
                    imap_problem_record(
                        account_id=self.account_id, message=f"{type(exc).__name__}: {exc}"
                    )
                    self.stop.wait(backoff_seconds(failures))
        finally:
            imap_lease_release(account_id=self.account_id, owner=self.owner)
            connection.close()

    def _session(self) -> None:
        """One connection: sync, then wait for news, until stopped or the settings change."""
        account = ImapAccount.objects.select_related("mailbox").get(pk=self.account_id)
        settings_then = _connection_settings(account)
        self.server = f"{account.host}:{account.port}"
        client = imap_connect(account)
        try:
            idle = client.has_capability("IDLE")
            poll = settings.CAREDESK_IMAP_POLL_SECONDS
            due = 0.0
            news = True
            while not self.stop.is_set():
                if news or time.monotonic() >= due:
                    account = ImapAccount.objects.select_related("mailbox").get(pk=self.account_id)
                    if _connection_settings(account) != settings_then:
                        return  # reconnect with the new settings
                    imap_sync(client, account, owner=self.owner)
                    while imap_news(client):  # mail arrived during the sync
                        imap_sync(client, account, owner=self.owner)
                    due = time.monotonic() + poll
                if not imap_lease_acquire(account_id=self.account_id, owner=self.owner):
                    raise LeaseLost("lease lost")
                news = _wait(client, idle, self.stop, min(HEARTBEAT, poll))
        finally:
            imap_close(client)


def _connection_settings(account: ImapAccount) -> tuple[object, ...]:
    return tuple(getattr(account, name) for name in CONNECTION_FIELDS)


def _wait(client: IMAPClient, idle: bool, stop: threading.Event, seconds: float) -> bool:
    """Wait up to `seconds` for the server to announce new mail; True if it did."""
    if not idle:
        stop.wait(seconds)
        client.noop()
        return False
    deadline = time.monotonic() + seconds
    client.idle()
    try:
        # In short steps, so a stopping worker lets go of the mailbox within a second.
        while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            responses = client.idle_check(timeout=min(1.0, left))
            if any(isinstance(r, tuple) and len(r) > 1 and r[1] == b"EXISTS" for r in responses):
                return True
    finally:
        client.idle_done()
    return False


class ImapFetchers:
    """Runs in each worker: starts a fetcher for every enabled account nobody else holds."""

    def __init__(self, owner: str | None = None, *, scan_seconds: float = SCAN) -> None:
        self.owner = owner or new_owner()
        self.scan_seconds = scan_seconds
        self.stop_event = threading.Event()
        self.fetchers: dict[int, AccountFetcher] = {}
        self._thread = threading.Thread(target=self._run, name="imap-fetchers", daemon=True)

    def start(self) -> ImapFetchers:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        self._thread.join(timeout)
        for fetcher in list(self.fetchers.values()):
            fetcher.join(timeout)

    def running(self) -> list[int]:
        return [pk for pk, fetcher in self.fetchers.items() if fetcher.is_alive()]

    def _run(self) -> None:
        try:
            while not self.stop_event.is_set():
                try:
                    self._scan()
                except Exception:  # the database may be restarting: look again later
                    log.exception("imap: could not look for mailboxes to fetch")
                    connection.close()
                self.stop_event.wait(self.scan_seconds)
        finally:
            connection.close()

    def _scan(self) -> None:
        for pk in ImapAccount.objects.filter(enabled=True).values_list("pk", flat=True):
            current = self.fetchers.get(pk)
            if current is not None and current.is_alive():
                continue
            if imap_lease_acquire(account_id=pk, owner=self.owner):
                fetcher = AccountFetcher(pk, self.owner, self.stop_event)
                self.fetchers[pk] = fetcher
                fetcher.start()
