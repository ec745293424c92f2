"""Solving a ticket nobody replied to is not answering it: its first-reply target stops as
unanswered and counts as not met, in the timers, on the ticket and in the API."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from caredesk.accounts.models import Agent
from caredesk.accounts.services import api_token_create
from caredesk.mailboxes.models import Mailbox
from caredesk.sla.models import SlaPolicy, SlaTimer, TimerState
from caredesk.tickets.models import SlaState, Ticket
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.services import ticket_set_status
from tests.api.support import Api, new_ticket, raw_email
from tests.conftest import deliver
from tests.sla.conftest import Clock

MINUTE = timedelta(minutes=1)


def timers(ticket: Ticket) -> dict[str, SlaTimer]:
    return {t.kind: t for t in SlaTimer.objects.filter(ticket=ticket).order_by("created_at", "pk")}


def test_solving_without_a_reply_leaves_the_first_reply_target_not_met(
    round_the_clock: SlaPolicy, mailbox: Mailbox, agent: Agent, frozen: Clock, client: Client
) -> None:
    ticket = new_ticket(mailbox)
    frozen.advance(5 * MINUTE)  # well inside the hour the first reply has
    ticket_set_status(ticket=ticket, status="solved", actor=agent)

    found = timers(ticket)
    assert found["first_reply"].state == TimerState.UNANSWERED
    assert found["first_reply"].used_seconds == 5 * 60
    assert found["resolution"].state == TimerState.FULFILLED
    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.BREACHED  # not "met"
    stopped = ticket.events.get(kind="sla_timer_cancelled")
    assert stopped.data["unanswered"] is True

    api = Api(client, api_token_create(agent=agent))
    answer = api.get(f"/tickets/{ticket.pk}").json()
    assert answer["sla"]["state"] == "breached"
    first = next(t for t in answer["sla"]["timers"] if t["kind"] == "first_reply")
    assert first["state"] == "unanswered"
    history = [e["text"] for e in answer["events"]]
    assert "The first reply target was not met: solved without a reply" in history
    assert api.get("/tickets", sla="met").json()["count"] == 0
    assert api.get("/tickets", sla="breached").json()["count"] == 1


def test_closing_without_a_reply_is_not_met_either(
    round_the_clock: SlaPolicy, mailbox: Mailbox, agent: Agent, frozen: Clock
) -> None:
    ticket = new_ticket(mailbox)
    ticket_set_status(ticket=ticket, status="solved", actor=agent)
    ticket_set_status(ticket=ticket, status="closed", actor=agent)
    assert timers(ticket)["first_reply"].state == TimerState.UNANSWERED
    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.BREACHED


def test_reopening_resumes_the_first_reply_where_it_stopped(
    round_the_clock: SlaPolicy, mailbox: Mailbox, agent: Agent, frozen: Clock
) -> None:
    """A solve undone at once costs nothing: the first reply is still owed, from where it
    stopped, and a reply in time then meets it."""
    ticket = new_ticket(mailbox)
    frozen.advance(10 * MINUTE)
    ticket_set_status(ticket=ticket, status="solved", actor=agent)
    frozen.advance(30 * MINUTE)
    ticket_set_status(ticket=ticket, status="open", actor=agent)
    first = timers(ticket)["first_reply"]
    assert first.state == TimerState.RUNNING
    assert first.due_at == frozen.now + 50 * MINUTE
    assert SlaTimer.objects.filter(ticket=ticket, kind="first_reply").count() == 1

    frozen.advance(5 * MINUTE)
    ticket_reply(ticket=ticket, author=agent, text="Here you are.", status_after="solved")
    found = timers(ticket)
    assert found["first_reply"].state == TimerState.FULFILLED
    assert found["first_reply"].used_seconds == 15 * 60
    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.MET


def test_the_customer_writing_again_after_an_unanswered_solve_resumes_the_same_target(
    round_the_clock: SlaPolicy, mailbox: Mailbox, agent: Agent, frozen: Clock
) -> None:
    ticket = new_ticket(mailbox)
    first_email = ticket.messages.get(kind="customer").message_id
    frozen.advance(50 * MINUTE)
    ticket_set_status(ticket=ticket, status="solved", actor=agent)
    frozen.advance(60 * MINUTE)
    deliver(raw_email(body="Anyone there?", in_reply_to=first_email), mailbox)
    ticket.refresh_from_db()
    assert ticket.status == "open"
    first = timers(ticket)["first_reply"]
    assert first.state == TimerState.RUNNING  # still the first reply, not a "next" one
    assert first.due_at == frozen.now + 10 * MINUTE
    assert not SlaTimer.objects.filter(ticket=ticket, kind="next_reply").exists()


def test_a_reply_that_solves_meets_the_target(
    round_the_clock: SlaPolicy, mailbox: Mailbox, agent: Agent, frozen: Clock
) -> None:
    ticket = new_ticket(mailbox)
    frozen.advance(5 * MINUTE)
    ticket_reply(ticket=ticket, author=agent, text="Done.", status_after="solved")
    assert timers(ticket)["first_reply"].state == TimerState.FULFILLED
    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.MET


def test_a_thank_you_after_the_reply_owes_no_next_reply(
    round_the_clock: SlaPolicy, mailbox: Mailbox, agent: Agent, frozen: Clock
) -> None:
    """Only the first reply counts as unanswered: the customer's last word after a reply is
    often a thank-you, and solving then cancels the next-reply timer, met as before."""
    ticket = new_ticket(mailbox)
    first_email = ticket.messages.get(kind="customer").message_id
    ticket_reply(ticket=ticket, author=agent, text="It ships today.")
    deliver(raw_email(body="Thanks!", in_reply_to=first_email), mailbox)
    ticket_set_status(ticket=ticket, status="solved", actor=agent)
    found = timers(ticket)
    assert found["next_reply"].state == TimerState.CANCELLED
    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.MET
