"""Who else has a ticket open, who is writing, and who answered since an agent opened it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.tickets.models import Message, MessageKind, Ticket
from caredesk.workspace.models import TicketPresence

LIVE = timedelta(seconds=15)  # pages report every few seconds; gone after this


@dataclass(frozen=True)
class Presence:
    viewing: list[str]  # other agents with the ticket open
    composing: list[str]  # of those, the ones writing
    answered_by: list[str]  # others who replied or noted since `since`


def presence_report(*, ticket: Ticket, agent: Agent, composing: bool, since: int) -> Presence:
    """Record that `agent` has `ticket` open (writing or not) and say who else is on it.

    `since` is the last conversation entry the agent's page shows."""
    now = clock.now()
    TicketPresence.objects.update_or_create(
        ticket=ticket, agent=agent, defaults={"seen_at": now, "composing": composing}
    )
    others = (
        TicketPresence.objects.filter(ticket=ticket, seen_at__gte=now - LIVE)
        .exclude(agent=agent)
        .select_related("agent")
        .order_by("agent__name")
    )
    answered = (
        Message.objects.filter(
            ticket=ticket, pk__gt=since, kind__in=[MessageKind.REPLY, MessageKind.NOTE]
        )
        .exclude(author=agent)
        .select_related("author")
    )
    return Presence(
        viewing=[p.agent.name for p in others],
        composing=[p.agent.name for p in others if p.composing],
        answered_by=sorted({m.author.name for m in answered if m.author is not None}),
    )


def presence_leave(*, ticket: Ticket, agent: Agent) -> None:
    TicketPresence.objects.filter(ticket=ticket, agent=agent).delete()


def news_since(*, ticket: Ticket, agent: Agent, since: int) -> str:
    """What came into the conversation after the entry `since` that `agent` did not write
    (another agent's reply or note, the customer writing again), said in a sentence; ""
    when nothing did. Checked when a reply is sent, so the heartbeat's lag cannot hide it."""
    newer = (
        Message.objects.filter(
            ticket=ticket,
            pk__gt=since,
            kind__in=[MessageKind.REPLY, MessageKind.NOTE, MessageKind.CUSTOMER],
        )
        .exclude(author=agent)
        .select_related("author")
    )
    said: list[str] = []
    for message in newer:
        if message.kind == MessageKind.CUSTOMER:
            news = "the customer wrote again"
        else:
            who = message.author.name if message.author is not None else "someone"
            news = f"{who} {'replied' if message.kind == MessageKind.REPLY else 'added a note'}"
        if news not in said:
            said.append(news)
    return ", and ".join(said)
