"""The ticket's side panel edits in place: a property changes without leaving the page, so
what the agent was writing stays, and the timeline and message say what happened."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.models import Team
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from tests.api.support import new_ticket
from tests.workspace.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def test_properties_change_in_place(page: Page, live_server: LiveServer, mailbox: Mailbox) -> None:
    agent_create(email="ann@example.com", name="Ann Agent", role="admin", password=PASSWORD)
    Team.objects.create(name="Billing")
    ticket = new_ticket(mailbox, subject="Invoice", body="Where is my invoice?")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    expect(page.locator(".panel")).to_contain_text("Last wrote")
    expect(page.locator("body")).not_to_contain_text("#}")  # no template comment leaks
    page.get_by_label("Message").fill("Half-written answer")
    page.evaluate("window.__samePage = true")

    page.get_by_label("Status").select_option("pending")  # no button: saved on change
    expect(page.get_by_role("status")).to_contain_text("Status: pending")
    expect(page.locator("#timeline")).to_contain_text(
        "Ann Agent changed the status from New to Pending"
    )
    page.get_by_label("Team").select_option(label="Billing")
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(page.locator("#timeline")).to_contain_text("Ann Agent moved it to team Billing")
    page.get_by_label("Tags").fill("invoice, vip")
    page.get_by_label("Tags").press("Tab")
    expect(page.locator("#timeline")).to_contain_text("Ann Agent added the tag vip")
    page.get_by_label("Priority").select_option("high")
    page.get_by_label("Why").first.fill("Customer is waiting on a payment")
    page.get_by_role("button", name="Set priority").click()
    expect(page.locator("#timeline")).to_contain_text(
        "Ann Agent set the priority to high (was normal): Customer is waiting on a payment"
    )

    assert page.evaluate("window.__samePage") is True  # never left the page
    expect(page.get_by_label("Message")).to_have_value("Half-written answer")
    expect(page.get_by_label("Status")).to_have_value("pending")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.team is not None
    assert (ticket.status, ticket.team.name, ticket.priority) == ("pending", "Billing", "high")
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["invoice", "vip"]
