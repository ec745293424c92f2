"""A client guessing addresses is slowed, then disconnected, over real sockets; others are not.

(Before the cap, one session had 2,000 RCPTs refused at 632/s.) The guard here is the default
one scaled down (soft 3, hard 6, 0.2 s) so the test runs in seconds.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Iterator

import pytest

from caredesk.inbound.models import InboundMessage
from caredesk.inbound.sources.smtp import IntakeController
from caredesk.inbound.sources.smtp_guard import RefusalGuard, RefusalPolicy
from caredesk.mailboxes.models import Mailbox
from tests.conftest import free_port
from tests.mail import make_email

pytestmark = pytest.mark.django_db(transaction=True)

DELAY = 0.2
ATTACKER = "127.0.0.1"
LEGIT = "127.0.0.2"  # loopback's other addresses are other clients to the server


@pytest.fixture
def guarded(transactional_db: None) -> Iterator[tuple[str, int]]:
    port = free_port()
    guard = RefusalGuard(RefusalPolicy(soft=3, hard=6, delay=DELAY, offender_seconds=60))
    controller = IntakeController("127.0.0.1", port, guard=guard)
    controller.start()
    yield ("127.0.0.1", port)
    controller.stop()


def connect(address: tuple[str, int], source: str) -> smtplib.SMTP:
    client = smtplib.SMTP(*address, source_address=(source, 0), timeout=10)
    client.ehlo()
    return client


def test_one_session_is_closed_with_421_at_the_hard_limit(
    mailbox: Mailbox, guarded: tuple[str, int]
) -> None:
    client = connect(guarded, ATTACKER)
    client.mail("guess@example.net")
    answers = []
    started = time.monotonic()
    for n in range(6):
        answers.append(client.rcpt(f"guess{n}@example.com")[0])
    took = time.monotonic() - started
    assert answers == [550] * 5 + [421]
    assert took >= 3 * DELAY  # the 4th, 5th and 6th refusals waited
    with pytest.raises(smtplib.SMTPServerDisconnected):
        client.noop()


def test_2000_guessed_recipients_no_longer_go_through_at_600_per_second(
    mailbox: Mailbox, guarded: tuple[str, int]
) -> None:
    """An attacker that reconnects whenever it is thrown out, for 3 seconds."""
    answered = disconnected = 0
    deadline = time.monotonic() + 3
    client = None
    while answered < 2000 and time.monotonic() < deadline:
        if client is None:
            client = connect(guarded, ATTACKER)
            client.mail("guess@example.net")
        code, _ = client.rcpt(f"guess{answered}@example.com")
        answered += 1
        if code == 421:
            disconnected += 1
            client.close()
            client = None
    # 6 refusals in the first session, then at most one per DELAY: about 20 instead of 1,900.
    assert answered < 30, answered
    assert disconnected >= 2

    # Meanwhile the attacker's address still delivers to a real mailbox at once: only refusals
    # are slowed.
    started = time.monotonic()
    with connect(guarded, ATTACKER) as client:
        client.sendmail("jane@example.net", ["support@example.com"], make_email())
    assert time.monotonic() - started < DELAY


def test_other_clients_and_honest_typos_are_not_slowed(
    mailbox: Mailbox, guarded: tuple[str, int]
) -> None:
    # Make 127.0.0.1 an offender first.
    client = connect(guarded, ATTACKER)
    client.mail("guess@example.net")
    for n in range(6):
        client.rcpt(f"guess{n}@example.com")
    client.close()

    started = time.monotonic()
    with connect(guarded, LEGIT) as client:
        refused = client.sendmail(
            "jane@example.net",
            ["support@example.com", "suport@example.com", "supprt@example.com"],
            make_email(),
        )
    assert set(refused) == {"suport@example.com", "supprt@example.com"}
    assert time.monotonic() - started < DELAY  # two typos, under the soft limit: no wait
    assert InboundMessage.objects.get().envelope_to == ["support@example.com"]
