"""Keep tickets' SLA timers in step with the tickets, recording what the timers did.

`caredesk.sla` works out the timers from what policies match on; this module gives it those
facts, saves the timers it returns and records their events on the tickets, in the
caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

from caredesk.history.events import Event
from caredesk.sla.book import SlaBook
from caredesk.sla.policies import TicketFacts
from caredesk.sla.services import Happened, SlaPlan, sla_plan
from caredesk.tickets.models import Ticket


def tickets_facts(tickets: Sequence[Ticket]) -> dict[int, TicketFacts]:
    """What SLA policies match on, for saved tickets: two queries however many."""
    ids = [t.pk for t in tickets]
    tags: dict[int, set[str]] = defaultdict(set)
    for ticket_id, name in Ticket.tags.through.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "tag__name"
    ):
        tags[ticket_id].add(name.lower())
    customers = {
        pk: (tier or org_tier or "", org)
        for pk, tier, org, org_tier in Ticket.objects.filter(pk__in=ids).values_list(
            "pk", "customer__tier", "customer__organisation_id", "customer__organisation__tier"
        )
    }
    return {
        t.pk: TicketFacts(
            priority=t.priority,
            mailbox_id=t.mailbox_id,
            team_id=t.team_id,
            category=t.category,
            tags=frozenset(tags[t.pk]),
            organisation_id=customers.get(t.pk, ("", None))[1],
            tier=customers.get(t.pk, ("", None))[0],
        )
        for t in tickets
    }


def tickets_sla_plan(
    *,
    tickets: Sequence[Ticket],
    happened: Mapping[int, Happened] | None = None,
    book: SlaBook | None = None,
    now: datetime | None = None,
) -> SlaPlan:
    """The timers `tickets` need now, worked out without writing (see `sla.services`)."""
    saved = [t for t in tickets if t.pk is not None]
    return sla_plan(
        tickets=saved, facts=tickets_facts(saved), happened=happened, book=book, now=now
    )


def tickets_sla_update(
    *,
    tickets: Sequence[Ticket],
    happened: Mapping[int, Happened] | None = None,
    book: SlaBook | None = None,
    now: datetime | None = None,
) -> list[Event]:
    """Bring the timers of saved `tickets` up to date and save them with the tickets' SLA
    fields; returns the timers' events, for the caller to record after its own."""
    return tickets_sla_plan(tickets=tickets, happened=happened, book=book, now=now).write()
