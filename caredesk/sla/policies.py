"""Which SLA policy a ticket falls under, and what its targets are: pure.

Policies are tried in order; the first whose every condition holds applies. An empty condition
holds for every ticket; a listed one holds when the ticket has any of the listed values (for
tags: any of the ticket's tags is listed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TicketFacts:
    """What policies may match on, read off a ticket (or a ticket about to be created)."""

    priority: str
    mailbox_id: int
    team_id: int | None = None
    category: str = ""
    tags: frozenset[str] = frozenset()
    organisation_id: int | None = None
    tier: str = ""


@dataclass(frozen=True)
class Policy:
    id: int
    name: str
    calendar_id: int | None = None
    priorities: frozenset[str] = frozenset()
    mailboxes: frozenset[int] = frozenset()
    teams: frozenset[int] = frozenset()
    categories: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    organisations: frozenset[int] = frozenset()
    tiers: frozenset[str] = frozenset()
    # Business minutes per timer kind ("first_reply", "next_reply", "resolution"); absent: none.
    targets: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    warn_percent: int = 75
    warn_notify_assignee: bool = True
    breach_raise_priority: bool = False
    breach_team_id: int | None = None
    breach_notify_supervisors: bool = True
    breach_add_tag: str = ""

    def matches(self, facts: TicketFacts) -> bool:
        return (
            _holds(self.priorities, facts.priority)
            and _holds(self.mailboxes, facts.mailbox_id)
            and _holds(self.teams, facts.team_id)
            and _holds(self.categories, facts.category.lower())
            and (not self.tags or bool(self.tags & facts.tags))
            and _holds(self.organisations, facts.organisation_id)
            and _holds(self.tiers, facts.tier.lower())
        )


def _holds(allowed: frozenset[object], value: object) -> bool:
    return not allowed or value in allowed


def policy_match(policies: Sequence[Policy], facts: TicketFacts) -> Policy | None:
    """The first of `policies` (already in order) that `facts` match, if any."""
    return next((p for p in policies if p.matches(facts)), None)


def lowered(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.strip().lower() for v in values if v.strip())
