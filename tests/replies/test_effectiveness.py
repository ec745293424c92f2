"""Template effectiveness from a small history worked out by hand: uses, reopen rate within
7 days of a solve, median time from a use to the ticket's next solve. The history is made
through the ticket services on a frozen clock, so the figures come from recorded events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytest_django import DjangoAssertNumQueries

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create
from caredesk.core import clock
from caredesk.mailboxes.models import Mailbox
from caredesk.replies.effectiveness import (
    StatusChange,
    Use,
    effectiveness_compute,
    template_effectiveness,
)
from caredesk.replies.listing import template_list, template_query_parse
from caredesk.replies.models import ReplyTemplate, TemplateUse
from caredesk.replies.services import template_create
from caredesk.tickets.models import Ticket
from caredesk.tickets.services import ticket_set_status
from tests.api.support import new_ticket

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=20)
H = timedelta(hours=1)
D = timedelta(days=1)


def test_the_figures_from_uses_and_status_changes_pure() -> None:
    uses = [
        Use(1, 10, T0),  # solved 2 h later, stays solved
        Use(1, 11, T0),  # solved 2 s *before* the use: the same reply's "then set solved"
        Use(1, 12, T0),  # solved after 3 h, then closed: closing is not reopening
        Use(1, 13, T0),  # solved after 5 h, reopened 7 days later to the second: counts
        Use(2, 13, T0 + 6 * H),  # after that solve: its next solve is the later one
    ]
    changes = [
        StatusChange(10, T0 + 2 * H, "open", "solved"),
        StatusChange(11, T0 - timedelta(seconds=2), "open", "solved"),
        StatusChange(12, T0 + 3 * H, "open", "solved"),
        StatusChange(12, T0 + 4 * D, "solved", "closed"),
        StatusChange(13, T0 + 5 * H, "pending", "solved"),
        StatusChange(13, T0 + 5 * H + 7 * D, "solved", "open"),
        StatusChange(13, T0 + 9 * D, "open", "solved"),
    ]
    got = effectiveness_compute(uses, changes)
    assert got[1].uses == 4
    assert (got[1].solved, got[1].reopened) == (4, 1)
    assert got[1].reopen_rate == 0.25
    assert got[1].median_to_solve == timedelta(hours=2, minutes=30)  # of 0, 2 h, 3 h, 5 h
    assert got[2].uses == 1
    assert (got[2].solved, got[2].reopened) == (1, 0)
    assert got[2].median_to_solve == 9 * D - 6 * H


@pytest.fixture
def sue(db: None) -> Agent:
    return agent_create(email="sue@example.com", name="Sue", role="supervisor")


def _ticket(mailbox: Mailbox, at: datetime, n: int) -> Ticket:
    with clock.frozen_at(at):
        return new_ticket(mailbox, sender=f"c{n}@example.org", subject=f"Question {n}")


def _status(ticket: Ticket, status: str, at: datetime, actor: Agent) -> None:
    with clock.frozen_at(at):
        ticket.refresh_from_db()
        ticket_set_status(ticket=ticket, status=status, actor=actor)


def _use(template: ReplyTemplate, ticket: Ticket, at: datetime) -> None:
    TemplateUse.objects.create(template=template, ticket=ticket, used_at=at)


@pytest.fixture
def history(mailbox: Mailbox, sue: Agent) -> dict[str, ReplyTemplate]:
    """ "Refund": 5 uses in the last 90 days (4 solves after them, 1 reopened within 7 days;
    times to solve 2 h, 4 h, 10 h, 47 h), and one older use. "Thanks": 1 use, solved 1 h
    later. "Unused": none."""
    refund = template_create(actor=sue, name="Refund", variants={"en": "Refunded."})
    thanks = template_create(actor=sue, name="Thanks", variants={"en": "Thanks."})
    template_create(actor=sue, name="Unused", variants={"en": "Never sent."})
    t1, t2, t3, t4, t5 = (_ticket(mailbox, T0 - 101 * D, n) for n in range(1, 6))
    _use(refund, t1, T0)
    _use(thanks, t1, T0 + H)
    _status(t1, "solved", T0 + 2 * H, sue)
    _use(refund, t2, T0 + D)
    _status(t2, "solved", T0 + D + 4 * H, sue)
    _status(t2, "open", T0 + 4 * D + 4 * H, sue)  # reopened 3 days after being solved
    _use(refund, t2, T0 + 4 * D + 5 * H)
    _status(t2, "solved", T0 + 6 * D + 4 * H, sue)  # 47 h after the second use
    _use(refund, t3, T0 + 2 * D)
    _status(t3, "solved", T0 + 2 * D + 10 * H, sue)
    _status(t3, "open", T0 + 10 * D + 11 * H, sue)  # 8 days later: not within 7
    _use(refund, t4, T0 + 3 * D)  # never solved
    _use(refund, t5, T0 - 100 * D)  # before the 90 days
    _status(t5, "solved", T0 - 99 * D, sue)
    return {"refund": refund, "thanks": thanks}


@pytest.mark.django_db
def test_effectiveness_over_the_default_90_days(
    history: dict[str, ReplyTemplate], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(2):
        got = template_effectiveness(
            templates=ReplyTemplate.objects.all(), since=NOW - timedelta(days=90)
        )
    refund, thanks = got[history["refund"].pk], got[history["thanks"].pk]
    assert refund.uses == 5
    assert (refund.solved, refund.reopened) == (4, 1)
    assert refund.reopen_rate == 0.25
    assert refund.median_to_solve == 7 * H  # between 4 h and 10 h
    assert (thanks.uses, thanks.solved, thanks.reopened) == (1, 1, 0)
    assert thanks.median_to_solve == H
    assert len(got) == 2  # "Unused" has no figures


@pytest.mark.django_db
def test_all_time_counts_the_older_use_too(history: dict[str, ReplyTemplate]) -> None:
    got = template_effectiveness(templates=ReplyTemplate.objects.all(), since=None)
    refund = got[history["refund"].pk]
    assert (refund.uses, refund.solved, refund.reopened) == (6, 5, 1)
    assert refund.median_to_solve == 10 * H  # of 2 h, 4 h, 10 h, 24 h, 47 h


@pytest.mark.django_db
def test_the_list_sorts_by_figures_with_a_bounded_number_of_queries(
    history: dict[str, ReplyTemplate],
    sue: Agent,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    from caredesk.access import principal_of

    principal = principal_of(sue)

    def names(**params: str) -> list[str]:
        query = template_query_parse(params)
        found = template_list(principal=principal, query=query, today=NOW.date(), now=NOW)
        return [row.template.name for row in found.rows]

    with django_assert_max_num_queries(6):
        assert names(sort="-uses") == ["Refund", "Thanks", "Unused"]
    assert names(sort="uses") == ["Unused", "Thanks", "Refund"]  # 0, 1, 5
    assert names(sort="-reopen") == ["Refund", "Thanks", "Unused"]  # 25%, 0%, none last
    assert names(sort="reopen") == ["Thanks", "Refund", "Unused"]
    assert names(sort="solve") == ["Thanks", "Refund", "Unused"]  # 1 h, 7 h, none last
    assert names(sort="-uses", period="30") == ["Refund", "Thanks", "Unused"]
    assert names(q="never") == ["Unused"]  # a word of its text
