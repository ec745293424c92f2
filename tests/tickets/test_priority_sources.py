"""Where a new ticket's priority comes from besides the built-in phrases: VIPs, admins' phrases."""

from __future__ import annotations

from caredesk.customers.models import Organisation, OrganisationDomain
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import PriorityPhrase
from tests.api.support import new_ticket


def test_customers_of_a_vip_organisation_get_high_priority(mailbox: Mailbox) -> None:
    bigco = Organisation.objects.create(name="BigCo", vip=True)
    OrganisationDomain.objects.create(organisation=bigco, domain="bigco.example")

    vip = new_ticket(mailbox, sender="cfo@bigco.example", subject="A question")
    other = new_ticket(mailbox, sender="someone@example.org", subject="A question")

    assert (vip.priority, other.priority) == ("high", "normal")
    assert vip.events.get(kind="priority_set").data["why"] == "VIP customer"


def test_phrases_admins_add_raise_the_priority_with_their_label(mailbox: Mailbox) -> None:
    PriorityPhrase.objects.create(phrase="payroll", priority="urgent", label="payroll blocked")
    PriorityPhrase.objects.create(phrase="newsletter", priority="low", active=False)

    ticket = new_ticket(mailbox, subject="Help", body="Our payroll run fails since 9:00.")
    assert ticket.priority == "urgent"
    assert ticket.events.get(kind="priority_set").data["why"] == 'payroll blocked: "payroll"'

    calm = new_ticket(mailbox, sender="b@example.org", subject="newsletter", body="Unsubscribe?")
    assert calm.priority == "normal"  # an inactive phrase counts for nothing
