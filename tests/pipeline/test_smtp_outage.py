"""A database outage is never the sender's bounce: `caredesk smtpd` on a private PostgreSQL that
these tests stop and start, over real sockets.

Whichever database the suite runs on, these tests bring their own PostgreSQL (the outage must be
ours to cause); they skip where PostgreSQL's server programs are not installed, and fail in CI.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator

import psycopg
import pytest

from tests.conftest import need_service
from tests.mail import make_email
from tests.outage import PrivatePostgres, Smtpd, postgres_available, run_outage


@pytest.fixture
def outage_server() -> Iterator[tuple[PrivatePostgres, Smtpd]]:
    need_service("PostgreSQL server programs (initdb, pg_ctl)", postgres_available())
    pg = PrivatePostgres()
    smtpd: Smtpd | None = None
    try:
        pg.init()
        pg.start()
        smtpd = Smtpd(pg.create_database("caredesk"))
        smtpd.start()
        yield pg, smtpd
    finally:
        if smtpd is not None:
            smtpd.close()
        pg.close()


def stored(pg: PrivatePostgres) -> int:
    with psycopg.connect(f"{pg.url}/caredesk") as conn:
        row = conn.execute("SELECT count(*) FROM inbound_inboundmessage").fetchone()
    assert row is not None
    return int(row[0])


def test_every_stage_answers_a_one_line_451_while_the_database_is_down_then_recovers(
    outage_server: tuple[PrivatePostgres, Smtpd],
) -> None:
    pg, smtpd = outage_server
    with smtplib.SMTP("127.0.0.1", smtpd.port) as client:
        client.sendmail("jane@example.net", ["support@example.com"], make_email())  # warm
        pg.stop()
        client.mail("jane@example.net")
        # An address the server has not seen makes it ask the database: not "no such
        # mailbox" (it may exist), not a 500 with the driver's words, but try later.
        code, reply = client.rcpt("new-team@example.com")
        assert (code, reply) == (
            451,
            b"4.3.0 Cannot look up recipients now, please try again later",
        )
        # A known address is still accepted from memory; storing is what fails.
        assert client.rcpt("support@example.com")[0] == 250
        code, reply = client.data(make_email(subject="during the outage"))
        assert (code, reply) == (
            451,
            b"4.3.0 Could not store the message now, please try again later",
        )
        assert client.noop() == (250, b"OK"), "one reply per command: the protocol holds"
        pg.start()
        # The same connection, once the database is back: the server reconnected by itself.
        refused = client.sendmail("jane@example.net", ["support@example.com"], make_email())
        assert refused == {}
        client.mail("jane@example.net")
        assert client.rcpt("new-team@example.com")[0] == 550  # known again to be unknown
    assert stored(pg) == 2
    assert "Traceback" not in smtpd.log()


def test_a_database_outage_under_load_loses_nothing_duplicates_nothing_bounces_nothing() -> None:
    """The issue's fault test, shortened for the suite (bench/smtp_outage.py runs 1,000 emails
    through a 20 s outage): senders that retry on 4xx as an MTA does, PostgreSQL stopped 8 s
    while 100 emails are sent."""
    need_service("PostgreSQL server programs (initdb, pg_ctl)", postgres_available())
    result = run_outage(emails=100, outage_seconds=8, outage_after=20, rate=20)
    assert result["permanent_refusals"] == 0, result["permanent_examples"]
    assert result["malformed_answers"] == []
    assert result["temporary_answers"].get("451", 0) > 0, "the outage was felt"
    assert (result["stored"], result["stored_distinct"], result["accepted"]) == (100, 100, 100)
