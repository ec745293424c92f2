"""Fetching over IMAP from a real Dovecot: stored once, marked after commit, pushed by IDLE,
restarted after a kill without loss or duplicates, a new UIDVALIDITY, a wrong password, and two
workers that never fetch one mailbox at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from imapclient import IMAPClient
from pytest_django import Settings

from caredesk.accounts.services import agent_create
from caredesk.core import clock
from caredesk.inbound.models import InboundMessage
from caredesk.inbound.sources.imap import (
    ImapProblem,
    LeaseLost,
    imap_close,
    imap_connect,
    imap_news,
    imap_sync,
)
from caredesk.inbound.sources.imap_fetcher import (
    ImapFetchers,
    imap_lease_acquire,
    imap_problem_record,
)
from caredesk.mailboxes.imap import imap_account_set
from caredesk.mailboxes.models import ImapAccount, Mailbox
from caredesk.notifications.models import Notification
from caredesk.tickets.models import Ticket
from tests import dovecot
from tests.conftest import free_port, need_service, wait_until
from tests.dovecot import Dovecot, email

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server() -> Iterator[Dovecot]:
    need_service("Dovecot (dovecot-imapd, run as root)", dovecot.available())
    running = Dovecot(free_port(), free_port()).start()
    yield running
    running.cleanup()


@pytest.fixture
def account(mailbox: Mailbox, server: Dovecot) -> ImapAccount:
    return imap_account_set(
        mailbox=mailbox,
        host="127.0.0.1",
        port=server.port,
        security="plain",
        username=dovecot.USER,
        secret=dovecot.PASSWORD,
        import_history=True,
    )


def sync(account: ImapAccount, owner: str = "test", **options: Any) -> Any:
    assert imap_lease_acquire(account_id=account.pk, owner=owner)
    account.refresh_from_db()
    client = imap_connect(account)
    try:
        return imap_sync(client, account, owner=owner, **options)
    finally:
        imap_close(client)


def server_flags(server: Dovecot, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
    with IMAPClient("127.0.0.1", port=server.port, ssl=False) as client:
        client.login(dovecot.USER, dovecot.PASSWORD)
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        found = client.fetch(uids, ["FLAGS"]) if uids else {}
        return {uid: data[b"FLAGS"] for uid, data in found.items()}


def test_each_email_is_stored_once_then_flagged_seen(account: ImapAccount, server: Dovecot) -> None:
    for n in range(3):
        server.deliver(email(f"Question {n}"))

    first = sync(account)
    again = sync(account)

    assert (first.stored, again.stored) == (3, 0)
    assert InboundMessage.objects.filter(source="imap").count() == 3
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [
        "Question 0",
        "Question 1",
        "Question 2",
    ]
    assert all(b"\\Seen" in flags for flags in server_flags(server).values())
    account.refresh_from_db()
    assert (account.last_uid, account.fetched_count) == (3, 3)
    assert account.last_success_at is not None and account.failing_since is None


def test_starting_from_now_leaves_the_mail_already_there_alone(
    account: ImapAccount, server: Dovecot
) -> None:
    server.deliver(email("Old one"))
    server.deliver(email("Older one"))
    imap_account_set(mailbox=account.mailbox, import_history=False)

    assert sync(account).stored == 0
    server.deliver(email("New one"))
    assert sync(account).stored == 1

    assert list(Ticket.objects.values_list("subject", flat=True)) == ["New one"]
    flags = server_flags(server)
    assert [b"\\Seen" in flags[uid] for uid in sorted(flags)] == [False, False, True]


def test_moving_fetched_mail_to_a_folder(account: ImapAccount, server: Dovecot) -> None:
    imap_account_set(mailbox=account.mailbox, after_fetch="move", move_to="Done")
    server.deliver(email("Move me"))
    assert sync(account).stored == 1
    assert server_flags(server) == {}
    assert len(server_flags(server, "Done")) == 1


def test_new_mail_becomes_a_ticket_within_seconds_through_idle(
    account: ImapAccount, server: Dovecot, settings: Settings
) -> None:
    settings.CAREDESK_IMAP_POLL_SECONDS = 600  # only IDLE can be this quick
    fetchers = ImapFetchers("worker-a", scan_seconds=0.1).start()
    try:
        assert wait_until(lambda: ImapAccount.objects.get().last_success_at is not None)
        time.sleep(0.3)  # the session is in IDLE now
        sent = time.monotonic()
        server.deliver(email("Pushed to us"))
        assert wait_until(lambda: Ticket.objects.filter(subject="Pushed to us").exists(), 5)
        assert time.monotonic() - sent < 5
    finally:
        fetchers.stop()
    assert ImapAccount.objects.get().lease_owner == ""  # released on stop


def test_a_fetcher_killed_mid_batch_restarts_without_loss_or_duplicates(
    account: ImapAccount, server: Dovecot, cli_env: dict[str, str]
) -> None:
    total = 150
    for n in range(total):
        server.deliver(email(f"Bulk {n}", body="x" * 20_000))
    env = {**cli_env, "CAREDESK_IMAP_LEASE_SECONDS": "2"}
    command = [sys.executable, "-m", "caredesk.cli", "imap", "sync", account.mailbox.address]
    command += ["--batch", "5", "--no-progress"]

    killed = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert wait_until(lambda: InboundMessage.objects.count() >= 20, 30)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    stored_at_kill = InboundMessage.objects.count()
    assert stored_at_kill < total  # it really died half-way

    # The dead process's lease runs out; a new run takes over where the commits left off.
    time.sleep(2.1)
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr

    ids = list(InboundMessage.objects.values_list("message_id", flat=True))
    assert len(ids) == total and len(set(ids)) == total
    assert Ticket.objects.count() == total
    assert all(b"\\Seen" in flags for flags in server_flags(server).values())


def test_a_new_uidvalidity_fetches_only_what_is_new(account: ImapAccount, server: Dovecot) -> None:
    for n in range(3):
        server.deliver(email(f"Before {n}"))
    assert sync(account).stored == 3
    before = ImapAccount.objects.get().uidvalidity

    server.reset_uidvalidity()
    server.deliver(email("After"))
    result = sync(account)

    assert result.uidvalidity_changed
    assert (result.stored, result.skipped) == (1, 3)
    assert ImapAccount.objects.get().uidvalidity != before
    assert InboundMessage.objects.count() == 4
    assert Ticket.objects.count() == 4


def test_a_wrong_password_is_a_clear_error_on_the_accounts_health(
    account: ImapAccount, server: Dovecot, cli_env: dict[str, str], settings: Settings
) -> None:
    imap_account_set(mailbox=account.mailbox, secret="wrong")
    admin = agent_create(email="root@example.com", name="Root", role="admin", password="x" * 12)
    settings.CAREDESK_IMAP_BACKOFF_SECONDS = 1

    with pytest.raises(ImapProblem) as refused:
        imap_connect(ImapAccount.objects.get())
    assert "refused the login for support@example.test" in str(refused.value)
    assert "Authentication failed" in str(refused.value)

    fetchers = ImapFetchers("worker-a", scan_seconds=0.1).start()
    try:
        assert wait_until(lambda: ImapAccount.objects.get().failing_since is not None)
    finally:
        fetchers.stop()
    health = ImapAccount.objects.get()
    assert "refused the login" in health.last_error
    assert health.last_success_at is None

    shown = subprocess.run(
        [sys.executable, "-m", "caredesk.cli", "imap", "show"],
        env=cli_env,
        capture_output=True,
        text=True,
    )
    assert "failing since" in shown.stdout and "refused the login" in shown.stdout
    assert "wrong" not in shown.stdout  # the secret is never shown
    tested = subprocess.run(
        [sys.executable, "-m", "caredesk.cli", "imap", "test", "support@example.com"],
        env=cli_env,
        capture_output=True,
        text=True,
    )
    assert tested.returncode == 69 and "refused the login" in tested.stderr

    # After CAREDESK_IMAP_ALERT_MINUTES of failing, admins are alerted, once.
    assert health.failing_since is not None
    with clock.frozen_at(health.failing_since + timedelta(minutes=16)):
        imap_problem_record(account_id=account.pk, message="still refused")
        imap_problem_record(account_id=account.pk, message="still refused")
    (alert,) = Notification.objects.filter(kind="imap_failing")
    assert alert.agent == admin and "failed for 16 minutes" in alert.text


def test_two_workers_never_fetch_one_mailbox_at_once(
    account: ImapAccount, server: Dovecot, settings: Settings
) -> None:
    settings.CAREDESK_IMAP_LEASE_SECONDS = 2
    a = ImapFetchers("worker-a", scan_seconds=0.05).start()
    b = ImapFetchers("worker-b", scan_seconds=0.05).start()
    try:
        assert wait_until(lambda: bool(a.running() or b.running()))
        holders = set()
        for n in range(20):  # watch for a second: only ever one of them
            assert len(a.running()) + len(b.running()) == 1
            holders.add("a" if a.running() else "b")
            if n == 5:
                server.deliver(email("While both run"))
            time.sleep(0.05)
        assert len(holders) == 1
        first, second = (a, b) if a.running() else (b, a)
        first.stop()  # its worker stops; the other takes the mailbox over
        assert wait_until(lambda: second.running() == [account.pk], 10)
        server.deliver(email("After the hand-over"))
        assert wait_until(lambda: Ticket.objects.count() == 2, 10)
    finally:
        a.stop()
        b.stop()
    assert InboundMessage.objects.count() == 2


def test_a_worker_that_lost_its_lease_stores_nothing(account: ImapAccount, server: Dovecot) -> None:
    server.deliver(email("Contested"))
    assert imap_lease_acquire(account_id=account.pk, owner="slow")
    ImapAccount.objects.filter(pk=account.pk).update(lease_until=clock.now() - timedelta(seconds=1))
    assert imap_lease_acquire(account_id=account.pk, owner="fast")

    account.refresh_from_db()
    client = imap_connect(account)
    try:
        with pytest.raises(LeaseLost):
            imap_sync(client, account, owner="slow")
    finally:
        imap_close(client)
    assert InboundMessage.objects.count() == 0
    assert sync(account, owner="fast").stored == 1


def test_fetching_resumes_by_itself_when_the_server_comes_back(
    account: ImapAccount, server: Dovecot, settings: Settings
) -> None:
    settings.CAREDESK_IMAP_BACKOFF_SECONDS = 1
    fetchers = ImapFetchers("worker-a", scan_seconds=0.1).start()
    try:
        assert wait_until(lambda: ImapAccount.objects.get().last_success_at is not None)
        server.stop()  # the network or the server goes away
        assert wait_until(lambda: ImapAccount.objects.get().failing_since is not None, 30)
        assert f"connection to 127.0.0.1:{server.port} lost" in ImapAccount.objects.get().last_error
        assert wait_until(lambda: "cannot connect" in ImapAccount.objects.get().last_error, 30)
        server.start_again()
        server.deliver(email("Sent while we were away"))
        assert wait_until(lambda: Ticket.objects.exists(), 30)
        assert wait_until(lambda: ImapAccount.objects.get().failing_since is None)
    finally:
        fetchers.stop()


GOOD_TOKEN = "ya29.fresh-access-token"


def fresh_token(account: ImapAccount) -> str:
    """A token provider, as a project would write one to refresh Google or Microsoft tokens."""
    return GOOD_TOKEN if account.secret == "refresh-me" else "expired-token"


class TokenInfo(BaseHTTPRequestHandler):
    """The OAuth2 provider's token-info endpoint Dovecot asks about each XOAUTH2 login."""

    def do_GET(self) -> None:
        token = parse_qs(urlparse(self.path).query).get("access_token", [""])[0]
        ok = token == GOOD_TOKEN
        body = json.dumps({"email": dovecot.USER} if ok else {"error": "invalid_token"})
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def oauth_server() -> Iterator[Dovecot]:
    need_service("Dovecot (dovecot-imapd, run as root)", dovecot.available())
    tokeninfo = ThreadingHTTPServer(("127.0.0.1", 0), TokenInfo)
    threading.Thread(target=tokeninfo.serve_forever, daemon=True).start()
    running = Dovecot(free_port(), free_port(), tokeninfo_port=tokeninfo.server_port).start()
    yield running
    running.cleanup()
    tokeninfo.shutdown()


def test_xoauth2_signs_in_with_the_token_the_provider_gives(
    mailbox: Mailbox, oauth_server: Dovecot
) -> None:
    account = imap_account_set(
        mailbox=mailbox,
        host="127.0.0.1",
        port=oauth_server.port,
        security="plain",
        username=dovecot.USER,
        auth="xoauth2",
        secret="refresh-me",
        token_provider="tests.pipeline.test_imap.fresh_token",
        import_history=True,
    )
    oauth_server.deliver(email("Signed in with OAuth2"))
    assert sync(account).stored == 1
    assert Ticket.objects.get().subject == "Signed in with OAuth2"

    imap_account_set(mailbox=mailbox, secret="revoked")
    with pytest.raises(ImapProblem, match="refused the login"):
        imap_connect(ImapAccount.objects.get())


@pytest.fixture
def tls_server() -> Iterator[Dovecot]:
    need_service("Dovecot (dovecot-imapd, run as root)", dovecot.available())
    running = Dovecot(free_port(), free_port(), imaps_port=free_port()).start()
    yield running
    running.cleanup()


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_tls_and_starttls_verify_the_servers_certificate(
    mailbox: Mailbox, tls_server: Dovecot, security: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = tls_server.imaps_port if security == "tls" else tls_server.port
    account = imap_account_set(
        mailbox=mailbox,
        host="127.0.0.1",
        port=port,
        security=security,
        username=dovecot.USER,
        secret=dovecot.PASSWORD,
        import_history=True,
    )
    # An unknown certificate is refused, with the reason.
    with pytest.raises(ImapProblem, match=r"CERTIFICATE_VERIFY_FAILED"):
        imap_connect(account)

    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.ca_file))  # the server's CA is trusted
    tls_server.deliver(email(f"Over {security}"))
    assert sync(account).stored == 1
    assert Ticket.objects.get().subject == f"Over {security}"


def test_mail_arriving_during_a_sync_does_not_wait_for_the_next_poll(
    account: ImapAccount, server: Dovecot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CAREDESK_IMAP_POLL_SECONDS = 600
    fetch = IMAPClient.fetch
    sent: list[float] = []

    def fetch_while_mail_arrives(self: IMAPClient, *args: Any, **kwargs: Any) -> Any:
        if not sent:  # the server learns of a new email between SEARCH and FETCH
            time.sleep(0.6)  # past Dovecot's 0.5 s delay for the news that woke this sync
            server.deliver(email("Arrived mid-sync"))
            sent.append(time.monotonic())
        return fetch(self, *args, **kwargs)

    server.deliver(email("First"))
    fetchers = ImapFetchers("worker-a", scan_seconds=0.1).start()
    try:
        assert wait_until(lambda: Ticket.objects.filter(subject="First").exists())
        time.sleep(0.5)  # that sync is over; the session is in IDLE
        monkeypatch.setattr(IMAPClient, "fetch", fetch_while_mail_arrives)
        server.deliver(email("Second"))
        assert wait_until(lambda: Ticket.objects.filter(subject="Arrived mid-sync").exists(), 5)
        assert time.monotonic() - sent[0] < 5
    finally:
        fetchers.stop()


def test_news_announced_during_a_sync_is_noticed_and_only_once(
    account: ImapAccount, server: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server tells of mail that arrives mid-sync in the FETCH reply, not again in IDLE:
    the fetcher must ask imaplib for it (imap_news), and SELECT's own count is no news."""
    server.deliver(email("First"))
    fetch = IMAPClient.fetch

    def fetch_while_mail_arrives(self: IMAPClient, *args: Any, **kwargs: Any) -> Any:
        server.deliver(email("Arrived mid-sync"))
        monkeypatch.setattr(IMAPClient, "fetch", fetch)
        return fetch(self, *args, **kwargs)

    monkeypatch.setattr(IMAPClient, "fetch", fetch_while_mail_arrives)
    assert imap_lease_acquire(account_id=account.pk, owner="test")
    client = imap_connect(account)
    try:
        assert imap_sync(client, account, owner="test").stored == 1
        assert imap_news(client) is True
        assert imap_sync(client, account, owner="test").stored == 1
        assert imap_news(client) is False  # a quiet folder ends the loop
    finally:
        imap_close(client)
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Arrived mid-sync", "First"]


@pytest.fixture
def server_without_idle() -> Iterator[Dovecot]:
    need_service("Dovecot (dovecot-imapd, run as root)", dovecot.available())
    running = Dovecot(free_port(), free_port(), idle=False).start()
    yield running
    running.cleanup()


def test_a_server_without_idle_is_polled(
    mailbox: Mailbox, server_without_idle: Dovecot, settings: Settings
) -> None:
    settings.CAREDESK_IMAP_POLL_SECONDS = 1
    imap_account_set(
        mailbox=mailbox,
        host="127.0.0.1",
        port=server_without_idle.port,
        security="plain",
        username=dovecot.USER,
        secret=dovecot.PASSWORD,
    )
    client = imap_connect(ImapAccount.objects.get())
    assert not client.has_capability("IDLE")
    imap_close(client)

    fetchers = ImapFetchers("worker-a", scan_seconds=0.1).start()
    try:
        assert wait_until(lambda: ImapAccount.objects.get().last_success_at is not None)
        server_without_idle.deliver(email("Found by polling"))
        assert wait_until(lambda: Ticket.objects.filter(subject="Found by polling").exists(), 10)
    finally:
        fetchers.stop()
