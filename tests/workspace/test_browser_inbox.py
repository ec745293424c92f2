"""The inbox in a real browser: filter, save the filters as a view, tick tickets (by mouse and
with x) and change them together."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from tests.api.support import new_ticket
from tests.workspace.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def test_filter_save_a_view_and_change_tickets_together(
    page: Page, live_server: LiveServer, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann Agent", role="agent", password=PASSWORD)
    outage = new_ticket(mailbox, sender="a@example.org", subject="Site down", body="Outage!")
    login = new_ticket(mailbox, sender="b@example.org", subject="Locked", body="I can't log in")
    calm = new_ticket(mailbox, sender="c@example.org", subject="Colours", body="A question.")
    sign_in(page, live_server.url)
    page.get_by_role("link", name="All open").click()
    expect(page.locator("tr[data-ticket]")).to_have_count(3)

    page.get_by_text("Filter", exact=True).click()
    page.get_by_label("Urgent").check()
    page.get_by_label("High").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tr[data-ticket]")).to_have_count(2)  # the outage is urgent, the login high
    expect(page.locator(".filtered")).to_contain_text("priority urgent or high")
    page.get_by_text("Filter (1)").click()
    page.get_by_label("Save these filters as a view named").fill("Burning")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_role("heading", name="Burning")).to_be_visible()
    expect(page.get_by_role("navigation", name="Inbox views")).to_contain_text("Burning")

    page.get_by_label(f"Select #{outage.pk}").check()
    page.evaluate("document.activeElement.blur()")
    for _ in range(2):
        page.keyboard.press("j")  # highlight the second row
    expect(page.locator("tr.selected")).to_have_attribute("data-ticket", str(login.pk))
    page.keyboard.press("x")
    expect(page.locator(".selected-count")).to_have_text("2 selected")
    page.get_by_role("button", name="Assign", exact=True).click()  # to me, by default
    expect(page.get_by_role("status")).to_contain_text("Assigned to ann@example.com: 2 tickets")
    expect(page.get_by_role("heading", name="Burning")).to_be_visible()  # back where we were
    assert {t.pk for t in Ticket.objects.filter(assignee=ann)} == {outage.pk, login.pk}

    page.get_by_role("link", name="All open").click()
    page.get_by_label("Select all tickets on this page").check()
    page.get_by_label("Set the selected tickets' status to").select_option("pending")
    page.get_by_role("button", name="Set status").click()
    expect(page.get_by_role("status")).to_contain_text("Set pending: 3 tickets")
    assert set(Ticket.objects.values_list("status", flat=True)) == {"pending"}
    assert calm.pk in {t.pk for t in Ticket.objects.filter(status="pending")}
