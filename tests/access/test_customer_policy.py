"""The access policy's rule for customers: which customers a principal sees (those with a
ticket they see; managers every one) and which of their fields each role may change."""

from __future__ import annotations

import pytest

from caredesk.access import (
    ANONYMOUS,
    CustomerPrincipal,
    customer_change_check,
    customer_fields_editable,
    customers_visible,
    principal_of,
)
from caredesk.accounts.models import Team
from caredesk.accounts.services import agent_create
from caredesk.core.errors import Forbidden
from caredesk.customers.models import Customer
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.services import ticket_assign, ticket_set_properties
from tests.api.support import new_ticket


def test_customers_visible_selects_those_with_a_ticket_the_principal_sees(
    mailbox: Mailbox,
) -> None:
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor")
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", team="Billing")
    tech = Team.objects.create(name="Technical")
    triage = new_ticket(mailbox, sender="a@example.org")  # no team: every agent sees it
    theirs = new_ticket(mailbox, sender="b@example.org")
    ticket_set_properties(ticket=theirs, actor=sue, team=tech)
    assigned = new_ticket(mailbox, sender="c@example.org")
    ticket_set_properties(ticket=assigned, actor=sue, team=tech)
    ticket_assign(ticket=assigned, agent=ann, actor=sue)
    lonely = Customer.objects.create(name="No tickets")

    def seen(principal: object) -> set[int]:
        rule = customers_visible(principal)  # type: ignore[arg-type]
        return set(Customer.objects.filter(rule).values_list("pk", flat=True).distinct())

    everyone = set(Customer.objects.values_list("pk", flat=True))
    assert seen(principal_of(sue)) == everyone
    assert seen(principal_of(ann)) == {triage.customer_id, assigned.customer_id}
    assert lonely.pk not in seen(principal_of(ann))
    assert seen(CustomerPrincipal(customer_id=lonely.pk)) == {lonely.pk}
    assert seen(ANONYMOUS) == set()


def test_agents_change_name_language_and_time_zone_managers_also_the_rest(db: None) -> None:
    agent = principal_of(agent_create(email="a@example.com", name="A", role="agent"))
    admin = principal_of(agent_create(email="b@example.com", name="B", role="admin"))
    assert customer_fields_editable(agent) == {"name", "language", "timezone"}
    assert customer_fields_editable(admin) == {
        "name",
        "language",
        "timezone",
        "organisation",
        "tier",
        "vip",
    }
    assert customer_fields_editable(ANONYMOUS) == frozenset()
    customer_change_check(agent, {"name", "timezone"})
    customer_change_check(admin, {"vip", "organisation"})
    with pytest.raises(
        Forbidden, match="only supervisors and admins change a customer's tier, vip"
    ):
        customer_change_check(agent, {"name", "vip", "tier"})
    with pytest.raises(Forbidden, match="you may not change customers"):
        customer_change_check(ANONYMOUS, {"name"})
