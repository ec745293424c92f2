"""Several workers sweeping at once: every warning and every breach fires exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from caredesk.accounts.services import agent_create
from caredesk.customers.models import Customer
from caredesk.mailboxes.models import Mailbox
from caredesk.notifications.models import Notification
from caredesk.sla.models import Calendar, SlaPolicy, SlaTimer
from caredesk.sla.services import Happened
from caredesk.tickets.models import Ticket, TicketEvent
from caredesk.tickets.sla_sweep import SweepResult, sla_sweep_all
from caredesk.tickets.sla_sync import tickets_sla_update
from tests.sla.conftest import Clock, only_calendar, only_policy

pytestmark = pytest.mark.django_db(transaction=True)

TICKETS = 60
WORKERS = 4


def _open_tickets(mailbox: Mailbox, count: int) -> list[Ticket]:
    customer = Customer.objects.create(name="Many")
    tickets = Ticket.objects.bulk_create(
        [Ticket(mailbox=mailbox, customer=customer, subject=f"t{i}") for i in range(count)]
    )
    tickets_sla_update(tickets=tickets, happened={t.pk: Happened(created=True) for t in tickets})
    return tickets


def _sweep_in_parallel(now: Any) -> list[SweepResult]:
    results: list[SweepResult] = []
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def work() -> None:
        try:
            start.wait()
            results.append(sla_sweep_all(now=now, limit=7))
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_parallel_sweeps_warn_and_breach_each_timer_exactly_once(
    mailbox: Mailbox, frozen: Clock
) -> None:
    only_calendar(always_open=True)
    only_policy(
        first_reply_minutes=60,
        resolution_minutes=600,
        warn_at_percent=50,
        breach_add_tag="late",
        breach_raise_priority=True,
    )
    agent_create(email="sue@example.com", name="Sue", role="supervisor", password="x" * 12)
    tickets = _open_tickets(mailbox, TICKETS)
    assert SlaTimer.objects.count() == 2 * TICKETS

    warned = _sweep_in_parallel(frozen.now + timedelta(minutes=31))
    assert sum(r.warned for r in warned) == TICKETS  # the first-reply timers only
    breached = _sweep_in_parallel(frozen.now + timedelta(minutes=61))
    assert sum(r.breached for r in breached) == TICKETS

    per_timer = Counter(
        (e.kind, e.data["timer"])
        for e in TicketEvent.objects.filter(kind__in=["sla_timer_warned", "sla_timer_breached"])
    )
    assert len(per_timer) == 2 * TICKETS
    assert set(per_timer.values()) == {1}
    assert Notification.objects.filter(kind="sla_breached").count() == TICKETS
    assert set(Ticket.objects.values_list("priority", flat=True)) == {"high"}
    assert TicketEvent.objects.filter(kind="tag_added").count() == TICKETS
    assert {t.pk for t in tickets} == set(
        Ticket.objects.filter(sla_state="breached").values_list("pk", flat=True)
    )


def test_an_invalid_stored_calendar_never_stops_email_processing(mailbox: Mailbox) -> None:
    from tests.api.support import new_ticket

    broken = Calendar.objects.create(name="broken", weekly_hours={"9": [["09:00", "17:00"]]})
    only_policy(first_reply_minutes=60, calendar=broken)

    ticket = new_ticket(mailbox)

    # Read as office hours in UTC until someone fixes it.
    assert ticket.timers.get(kind="first_reply").calendar == broken
    assert SlaPolicy.objects.get().calendar == broken
