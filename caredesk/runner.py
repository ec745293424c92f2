"""Running caredesk's processes: web, SMTP intake and workers, alone or all together."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.management import call_command

from caredesk.core.errors import CaredeskError

log = logging.getLogger(__name__)

DEFAULT_MAILBOX = "support@caredesk.localhost"
DEFAULT_ADMIN = "admin@caredesk.localhost"
# Set in the environment of the parts `caredesk run` starts (see follow_parent).
SUPERVISED = "CAREDESK_SUPERVISED"
# How long `caredesk run` gives its parts to finish what they are doing once asked to stop.
STOP_GRACE_SECONDS = 10.0
PARTS = {"smtpd": "SMTP intake", "web": "web server", "worker": "worker"}


class CannotStart(CaredeskError):
    """A part cannot start (its port is taken, say); the message says why and what to do."""


def ports_check(listeners: Iterable[tuple[str, str, tuple[str, int]]]) -> None:
    """Raise CannotStart naming the first of (what, option, (host, port)) that cannot listen.

    Each address is bound and released at once, with SO_REUSEADDR as waitress and aiosmtpd
    bind, so a port another program listens on is refused and one in TIME_WAIT is not.
    """
    for what, option, (host, port) in listeners:
        try:
            family, kind, proto, _, address = socket.getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )[0]
        except socket.gaierror:
            raise CannotStart(
                f"{host} is not a host name or address of this machine (for the {what}); "
                f"give another with {option} HOST:PORT"
            ) from None
        with socket.socket(family, kind, proto) as probe:
            if os.name == "posix":
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except PermissionError:
                raise CannotStart(
                    f"caredesk may not listen on port {port} (for the {what}; ports below 1024 "
                    f"need privileges); choose another with {option} {host}:{port + 8000}"
                ) from None
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise CannotStart(
                        f"port {port} on {host} is already in use by another program, so the "
                        f"{what} cannot listen there; stop that program or choose another port "
                        f"with {option} {host}:{port + 1}"
                    ) from None
                raise CannotStart(
                    f"cannot listen on {host}:{port} for the {what} ({exc.strerror}); choose "
                    f"another address with {option} HOST:PORT"
                ) from None


def follow_parent() -> None:
    """In a part started by `caredesk run`, stop when `caredesk run` is gone, however it ended.

    The parts run in process groups of their own, so that Ctrl-C reaches `caredesk run` alone
    and it stops them in order. Their standard input is a pipe from it: when it exits, even
    killed, the pipe closes and the part stops itself.
    """

    def watch() -> None:
        # The file descriptor, not sys.stdin: a thread blocked in a buffered read holds its
        # lock, which the interpreter then cannot take when it exits.
        try:
            while os.read(0, 512):
                pass
        except OSError:
            pass
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent", daemon=True).start()


def interrupt_on_term() -> None:
    """Stop on SIGTERM as on Ctrl-C (KeyboardInterrupt), and take SIGINT even when the shell
    that started the process ignored it (a background job)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def serve_web(host: str, port: int) -> None:
    from waitress import serve

    from caredesk.config.wsgi import application

    if not settings.CAREDESK_PUBLIC_URL and host in ("127.0.0.1", "::1", "localhost"):
        # Only this machine can reach a server on the loopback address, so its address is the
        # one agents open: password-reset links can be built from it (docs/password-reset.md).
        authority = f"[{host}]" if ":" in host else host
        settings.CAREDESK_PUBLIC_URL = f"http://{authority}:{port}"
    interrupt_on_term()
    with contextlib.suppress(KeyboardInterrupt):
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
        notes.append(
            f"Sign in as {DEFAULT_ADMIN} with the password {password} (shown once; to "
            f"choose another: caredesk agent password {DEFAULT_ADMIN})."
        )
    return notes


def run_all(*, http: tuple[str, int], smtp: tuple[str, int], workers: int | None) -> int:
    from caredesk.mailboxes.models import Mailbox

    ports_check([("web server", "--http", http), ("SMTP intake", "--smtp", smtp)])
    call_command("migrate", interactive=False, verbosity=0)
    notes = _first_run()
    addresses = ", ".join(Mailbox.objects.order_by("address").values_list("address", flat=True))
    command = [sys.executable, "-m", "caredesk.cli"]
    environment = {**os.environ, SUPERVISED: "1"}

    def start(*args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*command, *args],
            stdin=subprocess.PIPE,
            env=environment,
            process_group=0 if os.name == "posix" else None,
        )

    children = {
        "smtpd": start("smtpd", "--smtp", f"{smtp[0]}:{smtp[1]}"),
        "web": start("web", "--http", f"{http[0]}:{http[1]}"),
        "worker": start("worker", *(["--workers", str(workers)] if workers else [])),
    }
    if not _wait_listening([http, smtp], children, timeout=60):
        print("caredesk: a part failed to start; see the messages above", flush=True)
        _stop(children, hurry=threading.Event())
        return 1
    relay = (
        settings.CAREDESK_SMTP_RELAY
        or f"none: outgoing mail is kept in {settings.CAREDESK_OUTBOX_MAILDIR}"
    )
    db = settings.DATABASES["default"]
    database = (
        f"SQLite, {db['NAME']}"
        if db["ENGINE"] == "django.db.backends.sqlite3"
        else f"PostgreSQL, {db['NAME']} on {db.get('HOST') or 'localhost'}"
    )
    web = f"http://{http[0]}:{http[1]}"
    print(
        "\ncaredesk is running.\n"
        f"  Sign in:     {web}/\n"
        f"  Send mail:   smtp://{smtp[0]}:{smtp[1]} to {addresses}\n"
        f"  API:         {web}/api/v1/docs\n"
        f"  Data:        {settings.HOME}\n"
        f"  Database:    {database}\n"
        f"  Relay:       {relay}\n"
        + "".join(f"  {note}\n" for note in notes)
        + where_data_is()
        + "\n"
        "Other ports: caredesk run --http HOST:PORT --smtp HOST:PORT. Press Ctrl-C to stop.\n",
        flush=True,
    )
    return _supervise(children)


def where_data_is() -> str:
    """How other commands find this data folder (CAREDESK_HOME, or ./var of the folder)."""
    if os.environ.get("CAREDESK_HOME"):
        return f"Other caredesk commands find this data with CAREDESK_HOME={settings.HOME}."
    return (
        "Other caredesk commands find this data when run from this folder, or anywhere with "
        f"CAREDESK_HOME={settings.HOME}."
    )


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


def _stop(children: dict[str, subprocess.Popen[bytes]], *, hurry: threading.Event) -> None:
    """Ask every part to stop and wait for it, saying what is still being waited for.

    Asked first, SMTP intake stops taking mail (senders retry later); the web server closes;
    the worker finishes the jobs it is running (nothing is lost either way: an unfinished job
    is done again on the next start). Past STOP_GRACE_SECONDS, or on a second Ctrl-C, what is
    still running is killed.
    """
    running = {name: child for name, child in children.items() if child.poll() is None}
    if running:
        print(
            f"caredesk: stopping the {', the '.join(PARTS[name] for name in running)}",
            flush=True,
        )
    for child in running.values():
        child.send_signal(signal.SIGINT if os.name == "posix" else signal.SIGTERM)
    started = time.monotonic()
    said_waiting = False
    while running:
        for name, child in list(running.items()):
            if child.poll() is not None:
                del running[name]
                print(f"caredesk: {PARTS[name]} stopped", flush=True)
        waited = time.monotonic() - started
        if not running:
            break
        if hurry.is_set() or waited > STOP_GRACE_SECONDS:
            for name, child in running.items():
                child.kill()
                child.wait()
                print(f"caredesk: {PARTS[name]} killed", flush=True)
            break
        if not said_waiting and waited > 1.5:
            said_waiting = True
            names = [f"the {PARTS[name]}" for name in running]
            listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
            jobs = " (the worker finishes the jobs it is running)" if "worker" in running else ""
            print(
                f"caredesk: waiting for {listed} to stop{jobs}, at most "
                f"{STOP_GRACE_SECONDS:.0f} s; Ctrl-C again stops at once",
                flush=True,
            )
        time.sleep(0.05)
    for child in children.values():
        if child.stdin is not None:
            child.stdin.close()


def _supervise(children: dict[str, subprocess.Popen[bytes]]) -> int:
    """Run until Ctrl-C or SIGTERM (exit 0) or until a part dies (exit 1), then stop the rest."""
    stopping = threading.Event()
    hurry = threading.Event()
    failed = False

    def stop(signum: int, frame: object) -> None:
        (hurry if stopping.is_set() else stopping).set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping.is_set():
            for name, child in children.items():
                if child.poll() is not None:
                    print(
                        f"caredesk: the {PARTS[name]} exited with {child.returncode}; stopping",
                        flush=True,
                    )
                    failed = True
                    stopping.set()
            stopping.wait(0.2)
    finally:
        _stop(children, hurry=hurry)
    print("caredesk stopped.", flush=True)
    return 1 if failed else 0
