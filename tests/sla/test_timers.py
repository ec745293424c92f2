"""Timers follow the ticket: start, pause while waiting on the customer, resume, fulfil, breach.

These run on a 24/7 calendar (business time is elapsed time) with a clock the test moves.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from caredesk.accounts.models import Agent
from caredesk.customers.models import Organisation, OrganisationDomain
from caredesk.mailboxes.models import Mailbox
from caredesk.sla.models import SlaPolicy, SlaTimer, TimerState
from caredesk.tickets.models import SlaState, Ticket
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.services import ticket_set_priority, ticket_set_properties, ticket_set_status
from caredesk.tickets.sla_sweep import sla_sweep_all
from tests.api.support import new_ticket, raw_email
from tests.conftest import deliver
from tests.sla.conftest import Clock

MINUTE = timedelta(minutes=1)


def timers(ticket: Ticket) -> dict[str, SlaTimer]:
    """The latest timer of each kind."""
    return {t.kind: t for t in SlaTimer.objects.filter(ticket=ticket).order_by("created_at", "pk")}


def events(ticket: Ticket, prefix: str = "sla_") -> list[tuple[str, Any]]:
    return [
        (e.kind, e.data.get("kind"))
        for e in ticket.events.order_by("created_at", "id")
        if e.kind.startswith(prefix)
    ]


def test_a_new_ticket_starts_first_reply_and_resolution(
    round_the_clock: SlaPolicy, mailbox: Mailbox, frozen: Clock
) -> None:
    ticket = new_ticket(mailbox)

    first, resolution = timers(ticket)["first_reply"], timers(ticket)["resolution"]
    assert (first.state, first.target_seconds, first.due_at) == (
        TimerState.RUNNING,
        3600,
        frozen.now + 60 * MINUTE,
    )
    assert resolution.due_at == frozen.now + 240 * MINUTE
    assert first.warn_at == frozen.now + 30 * MINUTE  # 50 % of the target
    ticket.refresh_from_db()
    assert (ticket.sla_state, ticket.sla_due_at) == (SlaState.OK, frozen.now + 60 * MINUTE)
    assert ticket.sla_policy == round_the_clock
    assert events(ticket) == [
        ("sla_policy_applied", None),
        ("sla_timer_started", "first_reply"),
        ("sla_timer_started", "resolution"),
    ]
    ack = ticket.messages.get(kind="acknowledgement")
    assert "A person from our team will reply today by 11:00 UTC." in ack.text


def test_waiting_on_the_customer_pauses_and_their_reply_resumes(
    round_the_clock: SlaPolicy, mailbox: Mailbox, agent: Agent, frozen: Clock
) -> None:
    ticket = new_ticket(mailbox)
    first_email = ticket.messages.get(kind="customer").message_id

    frozen.advance(20 * MINUTE)
    ticket_reply(ticket=ticket, author=agent, text="Which order?", status_after="pending")
    found = timers(ticket)
    assert found["first_reply"].state == TimerState.FULFILLED
    assert found["first_reply"].used_seconds == 20 * 60
    assert found["resolution"].state == TimerState.PAUSED
    assert found["resolution"].used_seconds == 20 * 60
    ticket.refresh_from_db()
    assert (ticket.sla_state, ticket.sla_due_at) == (SlaState.PAUSED, None)

    frozen.advance(2 * 60 * MINUTE)  # two hours waiting on the customer do not count
    deliver(raw_email(body="Order 1234.", in_reply_to=first_email), mailbox)
    found = timers(ticket)
    assert found["resolution"].state == TimerState.RUNNING
    assert found["resolution"].due_at == frozen.now + (240 - 20) * MINUTE
    assert found["next_reply"].state == TimerState.RUNNING
    assert found["next_reply"].due_at == frozen.now + 30 * MINUTE
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.sla_due_at == frozen.now + 30 * MINUTE

    frozen.advance(10 * MINUTE)
    ticket_reply(ticket=ticket, author=agent, text="Found it, it ships today.")
    frozen.advance(5 * MINUTE)
    ticket_set_status(ticket=ticket, status="solved", actor=agent)
    found = timers(ticket)
    assert found["next_reply"].state == TimerState.FULFILLED
    assert found["resolution"].state == TimerState.FULFILLED
    assert found["resolution"].used_seconds == (20 + 10 + 5) * 60
    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.MET
    fulfilled = ticket.events.filter(kind="sla_timer_fulfilled")
    assert [e.data["late"] for e in fulfilled] == [False, False, False]

    frozen.advance(60 * MINUTE)
    ticket_set_status(ticket=ticket, status="open", actor=agent)  # reopened
    resolution = timers(ticket)["resolution"]
    assert resolution.state == TimerState.RUNNING
    assert resolution.due_at == frozen.now + (240 - 35) * MINUTE


def test_warning_then_breach_each_fire_once(
    round_the_clock: SlaPolicy, mailbox: Mailbox, agent: Agent, frozen: Clock
) -> None:
    ticket = new_ticket(mailbox)
    from caredesk.tickets.services import ticket_assign

    ticket_assign(ticket=ticket, agent=agent, actor=None)

    frozen.advance(29 * MINUTE)
    assert sla_sweep_all().total == 0
    frozen.advance(MINUTE)
    assert sla_sweep_all().warned == 1
    assert sla_sweep_all().total == 0
    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.WARNING
    (note,) = agent.notifications.all()
    assert note.kind == "sla_warning" and f"#{ticket.pk}" in note.text

    frozen.advance(30 * MINUTE)
    assert sla_sweep_all().breached == 1
    assert sla_sweep_all().total == 0
    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.BREACHED
    assert ticket.priority == "high"  # raised by the policy
    assert list(ticket.tags.values_list("name", flat=True)) == ["sla-breached"]
    breached = ticket.events.get(kind="sla_timer_breached")
    assert breached.data["kind"] == "first_reply"
    assert breached.data["actions"] == {"priority": "high", "tag": "sla-breached"}
    assert ticket.events.get(kind="priority_set").data["by"] == "sla"

    frozen.advance(5 * MINUTE)
    ticket_reply(ticket=ticket, author=agent, text="Sorry for the wait.")
    fulfilled = ticket.events.get(kind="sla_timer_fulfilled")
    assert fulfilled.data["late"] is True
    assert fulfilled.data["used_seconds"] == 65 * 60


def test_the_policy_follows_priority_tags_and_organisation(
    round_the_clock: SlaPolicy, mailbox: Mailbox, agent: Agent, frozen: Clock
) -> None:
    round_the_clock.position = 1000
    round_the_clock.save()
    urgent = SlaPolicy.objects.create(
        name="Urgent", position=1, match_priorities=["urgent"], first_reply_minutes=15
    )
    refunds = SlaPolicy.objects.create(
        name="Refunds", position=2, match_tags=["refund"], first_reply_minutes=120
    )
    bigco = Organisation.objects.create(name="BigCo", tier="enterprise")
    OrganisationDomain.objects.create(organisation=bigco, domain="bigco.example")
    enterprise = SlaPolicy.objects.create(
        name="Enterprise", position=3, match_tiers=["Enterprise"], first_reply_minutes=30
    )

    outage = new_ticket(mailbox, sender="ops@example.org", subject="Total outage", body="Down.")
    assert outage.priority == "urgent"  # detected from the words
    assert outage.sla_policy == urgent
    assert timers(outage)["first_reply"].target_seconds == 15 * 60
    assert "resolution" not in timers(outage)  # the urgent policy sets no resolution target

    frozen.advance(10 * MINUTE)
    ticket_set_priority(ticket=outage, priority="normal", actor=agent, reason="one user only")
    outage.refresh_from_db()
    assert outage.sla_policy == round_the_clock
    first = timers(outage)["first_reply"]
    assert (first.target_seconds, first.used_seconds) == (60 * 60, 10 * 60)
    assert first.due_at == frozen.now + 50 * MINUTE  # the time already used still counts
    assert outage.events.get(kind="sla_timer_retargeted").data["target_seconds"] == 3600
    override = outage.events.filter(kind="priority_set").last()
    assert override is not None
    assert (override.data["why"], override.data.get("by"), override.actor) == (
        "one user only",
        None,  # an agent's change names the agent as its actor
        agent,
    )

    ticket_set_properties(ticket=outage, actor=agent, tags=["Refund"])
    outage.refresh_from_db()
    assert outage.sla_policy == refunds
    assert timers(outage)["first_reply"].target_seconds == 120 * 60

    customer = new_ticket(mailbox, sender="pat@bigco.example", subject="Invoice question")
    assert customer.customer.organisation == bigco
    assert customer.sla_policy == enterprise


def test_two_targets_breaching_in_one_sweep_raise_the_priority_one_step(
    round_the_clock: SlaPolicy, mailbox: Mailbox, frozen: Clock
) -> None:
    round_the_clock.resolution_minutes = 60
    round_the_clock.save()
    ticket = new_ticket(mailbox)

    frozen.advance(61 * MINUTE)
    assert sla_sweep_all().breached == 2
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    assert ticket.events.filter(kind="priority_set").count() == 1
    assert ticket.events.filter(kind="tag_added").count() == 1
    assert list(ticket.tags.values_list("name", flat=True)) == ["sla-breached"]


def test_a_breach_can_move_the_ticket_to_another_team(
    round_the_clock: SlaPolicy, mailbox: Mailbox, frozen: Clock
) -> None:
    from caredesk.accounts.models import Team

    escalations = Team.objects.create(name="Escalations")
    round_the_clock.breach_team = escalations
    round_the_clock.save()
    ticket = new_ticket(mailbox)

    frozen.advance(61 * MINUTE)
    sla_sweep_all()
    ticket.refresh_from_db()
    assert ticket.team == escalations
    moved = ticket.events.get(kind="team_changed")
    assert (moved.data["team"], moved.data["by"]) == (escalations.pk, "sla")
    actions = ticket.events.get(kind="sla_timer_breached").data["actions"]
    assert actions["team"] == ticket.team_id
