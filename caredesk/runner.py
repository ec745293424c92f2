"""Running caredesk's processes: web, SMTP intake and workers, alone or all together."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management import call_command

log = logging.getLogger(__name__)

DEFAULT_MAILBOX = "support@caredesk.localhost"
DEFAULT_ADMIN = "admin@caredesk.localhost"


def serve_web(host: str, port: int) -> None:
    from waitress import serve

    from caredesk.config.wsgi import application

    serve(application, host=host, port=port, threads=8, ident="caredesk")


def requeue_unfinished() -> tuple[int, int]:
    """Queue again everything a stopped or killed worker may have left unfinished.

    Safe to over-queue: processing and delivery claim their row first and skip what is done.
    """
    from caredesk.inbound.models import InboundMessage, IntakeStatus
    from caredesk.inbound.process import BATCH_SIZE
    from caredesk.inbound.tasks import process_waiting_inbound
    from caredesk.outbound.services import outbound_due_ids
    from caredesk.outbound.tasks import deliver_outbound

    waiting = InboundMessage.objects.filter(status=IntakeStatus.RECEIVED).count()
    # Each job processes a batch of the oldest waiting emails, so one job per batch will do.
    for _ in range(-(-waiting // BATCH_SIZE)):
        process_waiting_inbound()
    outbound = outbound_due_ids(limit=100_000)
    for outbound_id in outbound:
        deliver_outbound(outbound_id)
    return waiting, len(outbound)


def run_worker(*, workers: int | None = None) -> None:
    """The Huey consumer, plus the IMAP fetchers (every worker runs them; leases make sure each
    mailbox is fetched by one worker at a time)."""
    from caredesk.inbound.sources.imap_fetcher import ImapFetchers

    requeue_unfinished()
    options: dict[str, object] = {}
    if workers:
        options["workers"] = workers
    fetchers = ImapFetchers().start() if settings.CAREDESK_IMAP_FETCH else None
    stop = threading.Event()
    watcher = threading.Thread(
        target=_take_over_dead_claims, args=(stop,), name="claims", daemon=True
    )
    watcher.start()
    try:
        call_command("run_huey", **options)
    finally:
        stop.set()
        if fetchers is not None:
            fetchers.stop()


def _take_over_dead_claims(stop: threading.Event) -> None:
    """Every few seconds, send what a worker that died mid-send had claimed, so its emails
    wait seconds, not the 5-minute lease (docs/decisions/0014-delivery-claims.md)."""
    from django.db import connection

    from caredesk.outbound.claims import worker_token
    from caredesk.outbound.services import outbound_take_over_dead

    while not stop.wait(settings.CAREDESK_DELIVERY_TAKEOVER_SECONDS):
        try:
            worker_token()  # this worker's own lock first, so its claims count as alive
            outbound_take_over_dead()
        except Exception:  # the database is down, say: try again next round
            log.exception("taking over dead workers' deliveries failed")
            connection.close()
    connection.close()


def _first_run() -> list[str]:
    """On an empty database, add a mailbox and an admin so there is something to sign in to."""
    from caredesk.accounts.models import Agent
    from caredesk.accounts.services import agent_create
    from caredesk.mailboxes.models import Mailbox
    from caredesk.mailboxes.services import mailbox_create

    notes = []
    if not Mailbox.objects.exists():
        mailbox_create(address=DEFAULT_MAILBOX, name="Support")
        notes.append(
            f"Added the mailbox {DEFAULT_MAILBOX}; add your own with `caredesk mailbox add`."
        )
    if not Agent.objects.exists():
        password = secrets.token_urlsafe(12)
        agent_create(email=DEFAULT_ADMIN, name="Admin", role="admin", password=password)
        notes.append(f"Sign in as {DEFAULT_ADMIN} with the password {password} (shown once).")
    return notes


def run_all(*, http: tuple[str, int], smtp: tuple[str, int], workers: int | None) -> int:
    from caredesk.mailboxes.models import Mailbox

    call_command("migrate", interactive=False, verbosity=0)
    notes = _first_run()
    addresses = ", ".join(Mailbox.objects.order_by("address").values_list("address", flat=True))
    command = [sys.executable, "-m", "caredesk.cli"]
    children = {
        "web": subprocess.Popen([*command, "web", "--http", f"{http[0]}:{http[1]}"]),
        "smtpd": subprocess.Popen([*command, "smtpd", "--smtp", f"{smtp[0]}:{smtp[1]}"]),
        "worker": subprocess.Popen(
            [*command, "worker", *(["--workers", str(workers)] if workers else [])]
        ),
    }
    if not _wait_listening([http, smtp], children, timeout=60):
        print("caredesk: a part failed to start; see the messages above", flush=True)
        _stop(children)
        return 1
    relay = (
        settings.CAREDESK_SMTP_RELAY
        or f"none: outgoing mail is kept in {settings.CAREDESK_OUTBOX_MAILDIR}"
    )
    print(
        "\ncaredesk is running.\n"
        f"  Sign in:     http://{http[0]}:{http[1]}/\n"
        f"  Send mail:   smtp://{smtp[0]}:{smtp[1]} to {addresses}\n"
        f"  API:         http://{http[0]}:{http[1]}/api/v1/docs\n"
        f"  Data:        {settings.HOME}\n"
        f"  Relay:       {relay}\n"
        + "".join(f"  {note}\n" for note in notes)
        + "Press Ctrl-C to stop.\n",
        flush=True,
    )
    return _supervise(children)


def _wait_listening(
    addresses: list[tuple[str, int]],
    children: dict[str, subprocess.Popen[bytes]],
    timeout: float,
) -> bool:
    """True once every address accepts connections; False if a child died or time ran out."""
    deadline = time.monotonic() + timeout
    waiting = list(addresses)
    while waiting and time.monotonic() < deadline:
        if any(child.poll() is not None for child in children.values()):
            return False
        try:
            with socket.create_connection(waiting[0], timeout=0.5):
                waiting.pop(0)
        except OSError:
            time.sleep(0.1)
    return not waiting


def _stop(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGINT if os.name == "posix" else signal.SIGTERM)
    deadline = time.monotonic() + 10
    for child in children.values():
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()


def _supervise(children: dict[str, subprocess.Popen[bytes]]) -> int:
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"caredesk: {name} exited with {child.returncode}; stopping", flush=True)
                    stopping = True
            time.sleep(0.5)
    finally:
        _stop(children)
    return 0
