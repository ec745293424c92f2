"""From an email on a Friday evening in Berlin to the promise, the warning and the breach.

The email arrives over SMTP, the acknowledgement leaves through a real SMTP relay, and the clock
is moved by hand across the weekend.
"""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from caredesk.accounts.services import agent_create, api_token_create
from caredesk.core import clock
from caredesk.customers.models import CustomerAddress
from caredesk.mailboxes.models import Mailbox
from caredesk.sla.models import Calendar, SlaPolicy
from caredesk.tickets.models import SlaState, Ticket
from caredesk.tickets.services import ticket_assign
from caredesk.tickets.sla_sweep import sla_sweep_all
from tests.api.support import Api, new_ticket
from tests.conftest import wait_until
from tests.mail import SmtpSink, make_email, plain_text
from tests.sla.conftest import only_policy

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def standard_policy() -> SlaPolicy:
    return only_policy(
        first_reply_minutes=8 * 60,
        next_reply_minutes=8 * 60,
        resolution_minutes=3 * 8 * 60,
        warn_at_percent=75,
        breach_raise_priority=True,
        breach_add_tag="sla-breached",
        breach_notify_supervisors=True,
    )


@pytest.mark.django_db(transaction=True)
def test_friday_evening_email_is_due_monday_warns_and_breaches(
    berlin_office: Calendar,
    mailbox: Mailbox,
    smtp_intake: tuple[str, int],
    relay: SmtpSink,
    client: Client,
) -> None:
    standard_policy()
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password="x" * 12)
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor", password="x" * 12)
    api = Api(client, api_token_create(agent=ann))

    with clock.frozen_at(berlin(2026, 11, 27, 18, 30)):  # Friday, after closing
        with smtplib.SMTP(*smtp_intake) as smtp:
            smtp.sendmail("jane@example.net", ["support@example.com"], make_email())
        (ack,) = relay.wait_for(1)
        assert wait_until(lambda: Ticket.objects.exists())
        ticket = Ticket.objects.get()

        # Closed until Monday 09:00, then eight business hours: Monday 17:00 in Berlin.
        text = plain_text(ack.message)
        assert "A person from our team will reply by Monday 17:00 CET." in text
        assert ticket.sla_due_at == berlin(2026, 11, 30, 17, 0)
        assert ticket.sla_state == SlaState.OK
        ticket_assign(ticket=ticket, agent=ann, actor=None)

        clock.advance(berlin(2026, 11, 30, 9, 0) - clock.now())  # Monday opening
        sla = api.get(f"/tickets/{ticket.pk}").json()["sla"]
        assert sla["remaining_seconds"] == 8 * 3600  # the weekend did not count
        assert sla["due_at"].startswith("2026-11-30T16:00:00")

        clock.advance(berlin(2026, 11, 30, 14, 59) - clock.now())
        assert sla_sweep_all().total == 0

        clock.advance(berlin(2026, 11, 30, 15, 0) - clock.now())  # 75 % of eight hours
        assert sla_sweep_all().warned == 1
        assert sla_sweep_all().total == 0
        ticket.refresh_from_db()
        assert ticket.sla_state == SlaState.WARNING
        assert ann.notifications.get().kind == "sla_warning"
        rows = api.get("/tickets", sla="warning").json()["items"]
        assert [r["reference"] for r in rows] == [ticket.pk]

        clock.advance(berlin(2026, 11, 30, 17, 0) - clock.now())
        assert sla_sweep_all().breached == 1
        assert sla_sweep_all().total == 0
        ticket.refresh_from_db()
        assert ticket.sla_state == SlaState.BREACHED
        assert ticket.priority == "high"
        assert sue.notifications.get().kind == "sla_breached"
        detail = api.get(f"/tickets/{ticket.pk}").json()
        assert detail["tags"] == ["sla-breached"]
        first = next(t for t in detail["sla"]["timers"] if t["kind"] == "first_reply")
        assert first["breached_at"].startswith("2026-11-30T16:00:00")
        assert first["remaining_seconds"] == 0

    kinds = [e.kind for e in ticket.events.order_by("created_at", "id")]
    assert kinds.count("sla_timer_warned") == 1
    assert kinds.count("sla_timer_breached") == 1


@pytest.mark.parametrize(
    ("arrives", "promise"),
    [
        # Christmas Day and Boxing Day are public holidays in Berlin.
        (berlin(2026, 12, 24, 18, 0), "by Monday 17:00 CET"),
        # Good Friday and Easter Monday too, and summer time starts that Sunday.
        (berlin(2027, 3, 25, 18, 0), "by Tuesday 17:00 CEST"),
        # In the morning, a working day ends the same day.
        (berlin(2026, 11, 24, 8, 0), "today by 17:00 CET"),
        (berlin(2026, 11, 24, 10, 20), "tomorrow by 10:30 CET"),
    ],
)
def test_the_promise_counts_business_hours_and_holidays(
    berlin_office: Calendar, mailbox: Mailbox, arrives: datetime, promise: str
) -> None:
    standard_policy()
    with clock.frozen_at(arrives):
        ticket = new_ticket(mailbox)
    ack = ticket.messages.get(kind="acknowledgement")
    assert f"A person from our team will reply {promise}." in ack.text


def test_the_promise_is_in_the_customers_time_zone_when_known(
    berlin_office: Calendar, mailbox: Mailbox
) -> None:
    standard_policy()
    with clock.frozen_at(berlin(2026, 11, 27, 18, 30)):
        new_ticket(mailbox, sender="Kenji <kenji@example.jp>", subject="first")
        customer = CustomerAddress.objects.get(address="kenji@example.jp").customer
        customer.timezone = "Asia/Tokyo"
        customer.save()
        ticket = new_ticket(mailbox, sender="Kenji <kenji@example.jp>", subject="second")
    ack = ticket.messages.get(kind="acknowledgement")
    # Monday 17:00 in Berlin is Tuesday 01:00 in Tokyo.
    assert "A person from our team will reply by Tuesday 01:00 JST." in ack.text
