"""Which policy applies: pure matching, in order, on every condition."""

from __future__ import annotations

from typing import Any

from caredesk.sla.policies import Policy, TicketFacts, lowered, policy_match

URGENT = Policy(id=1, name="Urgent", priorities=frozenset({"urgent"}))
ENTERPRISE = Policy(id=2, name="Enterprise", tiers=lowered(["Enterprise"]))
REFUNDS = Policy(id=3, name="Refunds", tags=lowered(["refund", "chargeback"]))
BILLING_TEAM = Policy(id=4, name="Billing", teams=frozenset({7}), categories=lowered(["Billing"]))
EVERYTHING = Policy(id=5, name="Standard")
ORDER = (URGENT, ENTERPRISE, REFUNDS, BILLING_TEAM, EVERYTHING)


def facts(**fields: Any) -> TicketFacts:
    base: dict[str, Any] = {"priority": "normal", "mailbox_id": 1}
    return TicketFacts(**{**base, **fields})


def test_the_first_matching_policy_in_order_applies() -> None:
    assert policy_match(ORDER, facts(priority="urgent", tier="enterprise")) is URGENT
    assert policy_match(ORDER, facts(tier="enterprise")) is ENTERPRISE
    assert policy_match(ORDER, facts()) is EVERYTHING


def test_tags_match_when_any_listed_tag_is_on_the_ticket() -> None:
    assert policy_match(ORDER, facts(tags=frozenset({"bug", "chargeback"}))) is REFUNDS
    assert policy_match(ORDER, facts(tags=frozenset({"bug"}))) is EVERYTHING


def test_every_condition_of_a_policy_must_hold() -> None:
    assert policy_match(ORDER, facts(team_id=7, category="billing")) is BILLING_TEAM
    assert policy_match(ORDER, facts(team_id=7, category="login")) is EVERYTHING
    assert policy_match(ORDER, facts(team_id=8, category="billing")) is EVERYTHING


def test_no_policy_matches_without_a_catch_all() -> None:
    assert policy_match(ORDER[:-1], facts()) is None


def test_organisations_and_mailboxes_match_by_id() -> None:
    bigco = Policy(id=9, name="BigCo", organisations=frozenset({3}), mailboxes=frozenset({2}))
    assert bigco.matches(facts(organisation_id=3, mailbox_id=2))
    assert not bigco.matches(facts(organisation_id=3, mailbox_id=1))
    assert not bigco.matches(facts(organisation_id=None, mailbox_id=2))
