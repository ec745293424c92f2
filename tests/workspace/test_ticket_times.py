"""Times on a ticket's page: every one in the agent's own zone, named where it could be
ambiguous; SLA targets say when they are due and how much business time is left, each as
what it is."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.test import Client

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create
from caredesk.core import clock
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from caredesk.tickets.services import ticket_set_status
from caredesk.workspace.templatetags.workspace import business_time
from tests.api.support import new_ticket
from tests.sla.conftest import WEEKDAYS_9_TO_5, only_calendar, only_policy

PASSWORD = "correct horse battery"
TUESDAY_EVENING = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # 19:00 in Berlin


@pytest.fixture
def frozen() -> Iterator[None]:
    with clock.frozen_at(TUESDAY_EVENING):
        yield


@pytest.fixture
def office(db: None) -> None:
    """Berlin, Monday to Friday 9 to 5; a first reply within 24 business hours (three days)."""
    only_calendar(name="Berlin office", timezone="Europe/Berlin", weekly_hours=WEEKDAYS_9_TO_5)
    only_policy(first_reply_minutes=24 * 60, resolution_minutes=40 * 60)


def _agent(zone: str) -> Agent:
    agent = agent_create(email="ann@example.com", name="Ann", role="admin", password=PASSWORD)
    agent.time_zone = zone
    agent.save()
    return agent


def _page(client: Client, agent: Agent, ticket: Ticket) -> str:
    client.force_login(agent)
    response = client.get(f"/tickets/{ticket.pk}")
    assert response.status_code == 200
    return response.content.decode()


def _sla(page: str) -> str:
    found = re.search(r'<section id="panel-sla".*?</section>', page, re.S)
    assert found, page
    return " ".join(re.sub(r"<[^>]+>", "", found.group(0)).split())


def test_the_panel_shows_the_due_time_and_the_business_time_left(
    client: Client, mailbox: Mailbox, office: None, frozen: None
) -> None:
    ticket = new_ticket(mailbox)
    said = _sla(_page(client, _agent("Europe/Berlin"), ticket))
    # Not "1 d 0 h left": 24 business hours from Tuesday evening end on Friday at 17:00.
    assert "first reply due Fri 27 Nov 17:00 CET (24 business hours left)" in said


def test_the_due_time_is_in_the_agents_own_zone(
    client: Client, mailbox: Mailbox, office: None, frozen: None
) -> None:
    ticket = new_ticket(mailbox)
    page = _page(client, _agent("America/New_York"), ticket)
    said = _sla(page)
    assert "due Fri 27 Nov 11:00 EST (24 business hours left)" in said
    assert 'title="Friday 27 November 2026, 11:00 EST (America/New_York)"' in page


def test_an_overdue_target_says_by_how_much_business_time(
    client: Client, mailbox: Mailbox, office: None, frozen: None
) -> None:
    ticket = new_ticket(mailbox)
    clock.advance(datetime(2026, 11, 30, 9, 30, tzinfo=UTC) - clock.now())  # Monday 10:30
    said = _sla(_page(client, _agent("Europe/Berlin"), ticket))
    assert "was due Fri 27 Nov 17:00 CET (overdue by 1 h 30 min of business time)" in said


def test_business_time_is_never_said_as_days() -> None:
    assert business_time(24 * 3600) == "24 business hours"
    assert business_time(8 * 3600) == "8 business hours"
    assert business_time(8 * 3600 - 1) == "8 business hours"  # a second after it started
    assert business_time(3600) == "1 business hour"
    assert business_time(3 * 3600 + 20 * 60) == "3 h 20 min of business time"
    assert business_time(45 * 60) == "45 business minutes"
    assert business_time(-90 * 60) == "1 h 30 min of business time"


def test_every_time_on_the_ticket_page_is_in_the_agents_zone_and_names_it(
    client: Client, mailbox: Mailbox, office: None, frozen: None
) -> None:
    """Auckland is 13 hours ahead of UTC in November: a UTC time would show 18:00 on the 24th,
    Auckland's is 07:00 on the 25th."""
    agent = _agent("Pacific/Auckland")
    ticket = new_ticket(mailbox)
    ticket_set_status(ticket=ticket, status="pending", actor=agent)
    page = _page(client, agent, ticket)
    times = re.findall(r'<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>', page)
    assert len(times) >= 5  # messages, events, history, last wrote, the SLA
    for iso, title, text in times:
        assert iso.endswith("+13:00"), iso
        assert title.endswith("NZDT (Pacific/Auckland)"), title
        assert "18:00" not in text, text
    assert "Wed 25 Nov 07:00" in [text for _, _, text in times]
    assert "Times are in your time zone, Pacific/Auckland (NZDT)." in page
    assert not re.search(r"<time(?![^>]*title=)", page)  # none without its zone
