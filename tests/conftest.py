from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_django import Settings

from caredesk.outbound.transports import MemoryTransport
from tests.mail import SmtpSink

if TYPE_CHECKING:
    from caredesk.accounts.models import Agent
    from caredesk.inbound.models import InboundMessage
    from caredesk.mailboxes.models import Mailbox
    from caredesk.tickets.models import Ticket

FIXTURES = Path(__file__).parent / "fixtures"
EML = FIXTURES / "eml"

REQUIRE_SERVICES = os.environ.get("CAREDESK_REQUIRE_SERVICES") == "1"


def need_service(what: str, available: bool) -> None:
    """Skip when a real service is missing on a laptop; fail in CI, where nothing may skip."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (CAREDESK_REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass; returns whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def eml(name: str) -> bytes:
    return (EML / name).read_bytes()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> Iterator[None]:
    """pytest-django's, and then the delivery claims' lock given up: on PostgreSQL it is a
    connection of its own, which would keep the test database from being dropped."""
    yield
    from caredesk.outbound import claims

    claims.release()


@pytest.fixture(autouse=True)
def _clean_memory_transport() -> Iterator[None]:
    MemoryTransport.sent.clear()
    yield
    MemoryTransport.sent.clear()


@pytest.fixture(autouse=True)
def _web_quiet_before_the_database_is_emptied(request: pytest.FixtureRequest) -> Iterator[None]:
    """Set up after the test database and torn down before it, after the browser's page: the
    requests a closing page sends (its leaving heartbeat) are answered before the tables are
    emptied for the next test."""
    yield
    if "page" in request.fixturenames:
        from tests.inflight import wait_until_quiet

        wait_until_quiet()


@pytest.fixture
def mailbox(db: None) -> Mailbox:
    from caredesk.mailboxes.services import mailbox_create

    return mailbox_create(address="support@example.com", name="Example Support")


@pytest.fixture
def agent(db: None) -> Agent:
    from caredesk.accounts.services import agent_create

    return agent_create(
        email="ann@example.com", name="Ann Agent", role="agent", password="correct horse 42"
    )


def deliver(
    raw: bytes,
    mailbox: Mailbox,
    *,
    source: str = "smtp",
    envelope_to: Sequence[str] | None = None,
    envelope_from: str = "",
) -> InboundMessage:
    """Store an email and process it here (as a worker would), returning the intake row."""
    from caredesk.inbound.models import InboundMessage
    from caredesk.inbound.process import inbound_process
    from caredesk.inbound.receive import inbound_receive

    row = inbound_receive(
        raw=raw,
        mailbox_id=mailbox.pk,
        source=source,
        envelope_from=envelope_from,
        envelope_to=envelope_to or [mailbox.address],
        process=False,
    )
    inbound_process(intake_id=row.pk)
    return InboundMessage.objects.get(pk=row.pk)


def deliver_ticket(
    raw: bytes,
    mailbox: Mailbox,
    *,
    source: str = "smtp",
    envelope_to: Sequence[str] | None = None,
    envelope_from: str = "",
) -> Ticket:
    """`deliver`, for an email that must open or join a ticket: that ticket."""
    row = deliver(raw, mailbox, source=source, envelope_to=envelope_to, envelope_from=envelope_from)
    return ticket_of(row)


def ticket_of(row: InboundMessage) -> Ticket:
    """The ticket an intake row opened or joined; fails the test when it has none."""
    assert row.ticket is not None, f"no ticket: {row.status} ({row.status_reason})"
    return row.ticket


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    """A real SMTP server standing in for the outgoing relay."""
    server = SmtpSink(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def relay(sink: SmtpSink, settings: Settings) -> SmtpSink:
    """Send outgoing mail through SmtpRelayTransport to the sink, over a real socket."""
    settings.CAREDESK_SMTP_RELAY = sink.url
    settings.CAREDESK_OUTBOUND_TRANSPORT = "caredesk.outbound.transports.SmtpRelayTransport"
    return sink


@pytest.fixture
def smtp_intake(transactional_db: None) -> Iterator[tuple[str, int]]:
    """caredesk's SMTP intake server on a free loopback port."""
    from caredesk.inbound.sources.smtp import IntakeController

    port = free_port()
    controller = IntakeController("127.0.0.1", port)
    controller.start()
    yield ("127.0.0.1", port)
    controller.stop()


@pytest.fixture
def cli_env(transactional_db: None) -> dict[str, str]:
    """Environment for running `caredesk` subprocesses against the test database."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = dict(os.environ)
    env["CAREDESK_DATABASE_URL"] = url
    env["DJANGO_SETTINGS_MODULE"] = "caredesk.config.settings"
    return env
