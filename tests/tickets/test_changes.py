"""Every ticket change goes through one writer: atomic, locked, recorded, announced once."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from caredesk.accounts.models import Agent, Team
from caredesk.core import clock
from caredesk.mailboxes.models import Mailbox
from caredesk.notifications.models import Notification
from caredesk.outbound.models import OutboundEmail
from caredesk.outbound.services import outbound_deliver
from caredesk.sla.models import SlaTimer
from caredesk.tickets import changes as changes_module
from caredesk.tickets.changes import ticket_changing
from caredesk.tickets.hooks import TicketChanged, ticket_changed_subscribe
from caredesk.tickets.models import Message, Ticket, TicketEvent
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.services import (
    ticket_add_note,
    ticket_assign,
    ticket_merge,
    ticket_set_priority,
    ticket_set_properties,
    ticket_set_status,
)
from caredesk.tickets.sla_sweep import sla_sweep_all
from caredesk.tickets.split import ticket_split
from tests.api.support import new_ticket
from tests.conftest import deliver, deliver_ticket
from tests.mail import SmtpSink, make_email
from tests.sla.conftest import only_calendar, only_policy

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.fixture
def heard() -> Iterator[list[TicketChanged]]:
    told: list[TicketChanged] = []
    unsubscribe = ticket_changed_subscribe(told.append)
    yield told
    unsubscribe()


def test_the_hook_hears_each_change_after_commit_with_its_events(
    mailbox: Mailbox,
    agent: Agent,
    heard: list[TicketChanged],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    ticket = new_ticket(mailbox)
    heard.clear()
    with django_capture_on_commit_callbacks(execute=False) as pending:
        ticket_set_status(ticket=ticket, status="pending", actor=agent)
        assert heard == []  # not before the change commits
    for callback in pending:
        callback()
    (change,) = heard
    assert change.ticket_id == ticket.pk
    assert change.kinds[0] == "status_changed"
    assert "sla_timer_paused" in change.kinds  # the timers' events come with it, after


def test_intake_announces_the_tickets_it_opens(
    mailbox: Mailbox,
    heard: list[TicketChanged],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        row = deliver(make_email(subject="Hello"), mailbox)
    (change,) = [c for c in heard if c.ticket_id == row.ticket_id]
    assert change.kinds[0] == "created" and "sla_timer_started" in change.kinds


def test_a_change_that_rolls_back_is_never_announced(
    mailbox: Mailbox,
    agent: Agent,
    heard: list[TicketChanged],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    ticket = new_ticket(mailbox)
    heard.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        ticket_set_status(ticket=ticket, status="pending", actor=agent)
        raise RuntimeError("the caller fails after the service")
    assert heard == []
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_a_failing_subscriber_does_not_stop_the_others(
    mailbox: Mailbox,
    agent: Agent,
    heard: list[TicketChanged],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    def broken(change: TicketChanged) -> None:
        raise ValueError("a consumer's bug")

    ticket = new_ticket(mailbox)
    heard.clear()
    unsubscribe = ticket_changed_subscribe(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ticket_assign(ticket=ticket, agent=agent, actor=agent)
    finally:
        unsubscribe()
    assert [c.kinds for c in heard] == [("assigned",)]


# --- atomic: a failure after the first write leaves nothing half-done ---------------------


def _state(ticket: Ticket) -> dict[str, Any]:
    fresh = Ticket.objects.get(pk=ticket.pk)
    return {
        "ticket": {
            f.attname: getattr(fresh, f.attname)
            for f in Ticket._meta.concrete_fields
            if f.attname != "priority_rank"
        },
        "tickets": Ticket.objects.count(),
        "tags": sorted(fresh.tags.values_list("name", flat=True)),
        "events": TicketEvent.objects.count(),
        "messages": sorted(Message.objects.values_list("pk", "ticket_id")),
        "outbound": OutboundEmail.objects.count(),
        "timers": sorted(SlaTimer.objects.values_list("pk", "state", "breached_at", "warned_at")),
        "notifications": Notification.objects.count(),
    }


def _failing_last_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the very last step of every change (announcing it) fail, after all its writes."""

    def fail(events: Any) -> None:
        raise RuntimeError("the last step failed")

    monkeypatch.setattr(changes_module, "ticket_changed_announce", fail)


def _two_ticket_conversation(mailbox: Mailbox) -> tuple[Ticket, Message]:
    first = make_email(subject="Order late", message_id="<a1@example.net>")
    ticket = deliver_ticket(first, mailbox)
    second = make_email(
        subject=f"Re: Order late [#{ticket.pk}]",
        message_id="<a2@example.net>",
        in_reply_to="<a1@example.net>",
        body="Also I cannot log in.\n",
    )
    deliver(second, mailbox)
    return ticket, ticket.messages.get(message_id="a2@example.net")


SERVICES: dict[str, Callable[[Ticket, Any, Any], Any]] = {
    "set_status": lambda t, a, m: ticket_set_status(ticket=t, status="solved", actor=a),
    "assign": lambda t, a, m: ticket_assign(ticket=t, agent=a, actor=a),
    "set_priority": lambda t, a, m: ticket_set_priority(
        ticket=t, priority="urgent", actor=a, reason="payroll"
    ),
    "set_properties": lambda t, a, m: ticket_set_properties(
        ticket=t, actor=a, team=Team.objects.create(name="Billing"), category="x", tags=["a"]
    ),
    "add_note": lambda t, a, m: ticket_add_note(ticket=t, author=a, text="internal"),
    "reply": lambda t, a, m: ticket_reply(ticket=t, author=a, text="Hello", status_after="pending"),
    "merge": lambda t, a, m: ticket_merge(
        source=new_ticket(m, sender="other@example.org"), target=t, actor=a, reason="same"
    ),
    "split": lambda t, a, m: ticket_split(
        message=t.messages.get(message_id="a2@example.net"), actor=a
    ),
}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_failure_after_the_first_write_leaves_nothing_half_done(
    service: str, mailbox: Mailbox, agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket, _ = _two_ticket_conversation(mailbox)
    before = _state(ticket)
    _failing_last_step(monkeypatch)
    with pytest.raises(RuntimeError, match="last step"):
        SERVICES[service](ticket, agent, mailbox)
    after = _state(ticket)
    if service == "merge":  # its source ticket was opened (and committed) before the merge
        before["tickets"] += 1
        after["messages"] = [
            m
            for m in after["messages"]
            if m[1] == ticket.pk or m[0] in {pk for pk, _ in before["messages"]}
        ]
        after["events"] = before["events"]  # the new source's own opening events
        after["timers"] = [t for t in after["timers"] if t[0] in {p for p, *_ in before["timers"]}]
        after["outbound"] = before["outbound"]  # the new source's acknowledgement
    assert after == before


def _breaching_policy(**more: Any) -> None:
    """24/7 targets of an hour and four, whose breach raises the priority, tags the ticket
    and tells the supervisors."""
    only_calendar(always_open=True)
    only_policy(
        first_reply_minutes=60,
        resolution_minutes=240,
        breach_raise_priority=True,
        breach_add_tag="late",
        breach_notify_supervisors=True,
        **more,
    )


def test_a_sweep_that_fails_late_marks_no_timer(
    mailbox: Mailbox, agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    _breaching_policy()
    ticket = new_ticket(mailbox)
    before = _state(ticket)
    _failing_last_step(monkeypatch)
    with pytest.raises(RuntimeError, match="last step"):
        sla_sweep_all(now=clock.now() + timedelta(hours=2))
    assert _state(ticket) == before
    monkeypatch.undo()
    assert sla_sweep_all(now=clock.now() + timedelta(hours=2)).breached == 1


def test_a_merged_ticket_refuses_every_change(mailbox: Mailbox, agent: Agent) -> None:
    source, target = new_ticket(mailbox), new_ticket(mailbox, sender="b@example.org")
    ticket_merge(source=source, target=target, actor=agent, reason="same")
    for name in ("set_status", "assign", "set_priority", "add_note", "reply"):
        with pytest.raises(Exception, match="was merged into"):
            SERVICES[name](source, agent, mailbox)


# --- locked: two changes to one ticket take turns -------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_second_change_waits_for_the_first_to_commit(mailbox: Mailbox, agent: Agent) -> None:
    # PostgreSQL: the row lock. SQLite: transactions begin IMMEDIATE, one writer at a time.
    ticket = new_ticket(mailbox)
    holding, release = threading.Event(), threading.Event()
    finished: dict[str, float] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            mine = Ticket.objects.get(pk=ticket.pk)
            with ticket_changing(mine) as change:
                holding.set()
                release.wait(5)
                mine.category = "first"
                change.save("category")
            finished["first"] = time.monotonic()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def second() -> None:
        try:
            holding.wait(5)
            ticket_set_properties(
                ticket=Ticket.objects.get(pk=ticket.pk), actor=agent, tags=["second"]
            )
            finished["second"] = time.monotonic()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    holding.wait(5)
    time.sleep(0.3)
    assert "second" not in finished  # blocked on the row lock
    release.set()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert finished["second"] >= finished["first"]
    fresh = Ticket.objects.get(pk=ticket.pk)
    # The second change read the row after the first committed: neither overwrote the other.
    assert fresh.category == "first" and list(fresh.tags.values_list("name", flat=True)) == [
        "second"
    ]


# --- history names people by id, whatever happened ------------------------------------------


def test_no_event_of_a_busy_day_holds_an_email_address(
    mailbox: Mailbox, agent: Agent, relay: SmtpSink
) -> None:
    _breaching_policy(breach_team=Team.objects.create(name="Escalations"))
    ticket, message = _two_ticket_conversation(mailbox)
    cc = make_email(
        subject=f"Re: Order late [#{ticket.pk}]",
        message_id="<a3@example.net>",
        in_reply_to="<a2@example.net>",
        cc="Carl <carl@example.net>",
        body="Adding my colleague carl@example.net who paid.\n",
    )
    deliver(cc, mailbox)
    ticket_assign(ticket=ticket, agent=agent, actor=agent)
    ticket_set_priority(
        ticket=ticket, priority="high", actor=agent, reason="asked by jane@example.net"
    )
    ticket_set_properties(
        ticket=ticket, actor=agent, category="billing for jane@example.net", tags=["a@b.example"]
    )
    relay.handler.refuse["jane@example.net"] = "550 5.1.1 <jane@example.net>: no such user"
    ticket_reply(ticket=ticket, author=agent, text="On it", cc=["dora@example.org"])
    reply = OutboundEmail.objects.filter(kind="reply").latest("pk")
    assert outbound_deliver(outbound_id=reply.pk) == "failed"
    split = ticket_split(message=message, actor=agent)
    ticket_merge(
        source=new_ticket(mailbox, sender="zed@example.org"), target=ticket, actor=agent, reason="x"
    )
    sla_sweep_all(now=clock.now() + timedelta(hours=3))
    kinds = set(TicketEvent.objects.values_list("kind", flat=True))
    assert {"delivery_failed", "split_into", "merged", "sla_timer_breached"} <= kinds
    for event in TicketEvent.objects.all():
        assert not ADDRESS.search(json.dumps(event.data)), (event.kind, event.data)
    assert split.pk
