"""More of the workspace in Chromium: two agents on one ticket, merging, shortcuts, search."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from tests.api.support import new_ticket
from tests.workspace.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def agent_page(browser: Browser, base: str, email: str, name: str) -> Page:
    agent_create(email=email, name=name, role="agent", password=PASSWORD)
    page = browser.new_context().new_page()
    sign_in(page, base, email)
    return page


def test_agents_on_one_ticket_see_each_other_and_a_reply_made_meanwhile(
    browser: Browser, live_server: LiveServer, mailbox: Mailbox
) -> None:
    ticket = new_ticket(mailbox, subject="Where is my parcel?")
    ann = agent_page(browser, live_server.url, "ann@example.com", "Ann Agent")
    bo = agent_page(browser, live_server.url, "bo@example.com", "Bo Agent")
    for page in (ann, bo):
        page.goto(f"{live_server.url}/tickets/{ticket.pk}")

    expect(ann.locator("#presence")).to_contain_text("Also viewing: Bo Agent", timeout=8000)
    bo.get_by_label("Message").fill("Let me check with the courier")
    expect(ann.locator("#presence")).to_contain_text("Bo Agent is writing", timeout=8000)

    bo.get_by_role("button", name="Send").click()
    expect(bo.get_by_role("status")).to_contain_text("Reply sent")
    warning = ann.locator("#presence .collision[role=alert]")
    expect(warning).to_contain_text("Bo Agent answered since you opened this ticket", timeout=8000)


def test_merge_a_ticket_into_another(page: Page, live_server: LiveServer, mailbox: Mailbox) -> None:
    first = new_ticket(mailbox, sender="jane@example.net", subject="Login broken")
    second = new_ticket(mailbox, sender="jane@example.net", subject="Still cannot log in")
    agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    sign_in(page, live_server.url)

    page.goto(f"{live_server.url}/tickets/{second.pk}")
    expect(page.locator(".others")).to_contain_text(f"#{first.pk} Login broken")
    page.get_by_label("Merge into ticket").fill(f"#{first.pk}")
    page.get_by_label("Why", exact=True).last.fill("same problem")
    page.once("dialog", lambda dialog: dialog.accept())  # merging asks first
    page.get_by_role("button", name="Merge").click()

    expect(page).to_have_url(f"{live_server.url}/tickets/{first.pk}")
    expect(page.get_by_role("status")).to_contain_text(f"Merged #{second.pk} into #{first.pk}")
    expect(page.locator(".entry.customer")).to_have_count(2)
    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == ("closed", first.pk)


def test_keyboard_shortcuts_and_search(
    page: Page, live_server: LiveServer, mailbox: Mailbox
) -> None:
    ticket = new_ticket(mailbox, sender="kim@example.org", subject="Invoice copy")
    new_ticket(mailbox, sender="lee@example.org", subject="Something else")
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    sign_in(page, live_server.url)

    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_contain_text("Keyboard shortcuts")
    page.get_by_role("button", name="Close").click()

    page.keyboard.press("/")
    page.keyboard.type("kim@example.org")
    page.keyboard.press("Enter")
    rows = page.locator("tr[data-ticket]")
    expect(rows).to_have_count(1)
    page.keyboard.press("j")
    page.keyboard.press("o")
    expect(page).to_have_url(f"{live_server.url}/tickets/{ticket.pk}")

    page.keyboard.press("a")
    expect(page.get_by_role("status")).to_contain_text("Assigned to Ann")
    page.keyboard.press("n")
    expect(page.get_by_label("Internal note")).to_be_checked()
    expect(page.get_by_label("Message")).to_be_focused()
    page.keyboard.type("Sent the invoice copy.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("status")).to_contain_text("Note added.")
    page.once("dialog", lambda dialog: dialog.accept())  # nobody replied: it asks first
    page.keyboard.press("s")
    expect(page.get_by_role("status")).to_contain_text("Status: solved")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == ("solved", ann)
    assert Ticket.objects.get(pk=ticket.pk).messages.filter(kind="note").count() == 1
