"""What a new agent met in Chromium: landing on an empty Mine while tickets waited, no icon (a
404 on every page), a search for an order number finding nothing, an "Admin" that was a name,
notifications only in the API, and no page for a customer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Response, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create
from caredesk.customers.models import Customer
from caredesk.mailboxes.models import Mailbox
from caredesk.notifications.models import Notification
from tests.api.support import new_ticket
from tests.workspace.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def test_land_where_the_work_is_sort_by_a_header_and_find_an_order_number(
    page: Page, live_server: LiveServer, mailbox: Mailbox
) -> None:
    agent_create(email="ann@example.com", name="Ann Agent", role="agent", password=PASSWORD)
    late = new_ticket(mailbox, sender="kim@example.org", subject="Late", body="Order 10501?\n")
    other = new_ticket(mailbox, sender="Jo Park <jo@example.org>", subject="Colours")
    missing: list[str] = []

    def note_missing(response: Response) -> None:
        if response.status == 404:
            missing.append(response.url)

    page.on("response", note_missing)
    sign_in(page, live_server.url)
    # Mine is empty and two tickets wait in Unassigned: that is where the agent starts.
    expect(page.get_by_role("heading", name="Unassigned")).to_be_visible()
    rows = page.locator("tr[data-ticket]")
    expect(rows).to_have_count(2)
    expect(page.locator(f'tr[data-ticket="{late.pk}"] td.customer')).to_have_text("kim@example.org")
    expect(page.locator(f'tr[data-ticket="{late.pk}"] .preview')).to_have_text("Order 10501?")

    # Sort by the ticket number: a first click shows the newest first, a second the oldest.
    page.get_by_role("link", name="Ticket", exact=True).click()
    expect(page).to_have_url(re.compile(r"/inbox/unassigned\?sort=-ticket$"))
    expect(page.get_by_role("columnheader", name="Ticket", exact=True)).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(rows.first).to_have_attribute("data-ticket", str(other.pk))
    page.get_by_role("link", name="Ticket", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=ticket$"))
    expect(rows.first).to_have_attribute("data-ticket", str(late.pk))

    # The order number the customer wrote, typed into the search box (empty on the inbox,
    # whatever the inbox's address holds).
    expect(page.get_by_label("Search tickets")).to_have_value("")
    page.keyboard.press("/")
    page.get_by_label("Search tickets").press_sequentially("10501", delay=50)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Search: 10501")).to_be_visible()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-ticket", str(late.pk))
    page.wait_for_load_state("networkidle")
    assert not missing, f"not found: {missing}"  # the icon among them, before


def test_the_bell_the_user_menu_and_the_customer_page(
    page: Page, live_server: LiveServer, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann Agent", role="admin", password=PASSWORD)
    ticket = new_ticket(mailbox, sender="Kim Park <kim@example.org>", subject="Parcel")
    Notification.objects.create(agent=ann, ticket=ticket, kind="sla_warning", text="Due soon")
    Notification.objects.create(agent=ann, kind="imap_failing", text="Mailbox unreachable")
    sign_in(page, live_server.url)

    bell = page.get_by_role("link", name="Notifications, 2 unread")
    expect(bell).to_contain_text("2")
    menu = page.get_by_role("navigation", name="Account")
    menu.get_by_text("Ann Agent").click()  # the user menu: the person, and where to go
    expect(menu).to_contain_text("Admin")
    expect(menu.get_by_role("link", name="Profile")).to_be_visible()
    expect(menu.get_by_role("link", name="Settings (admin)")).to_have_attribute("href", "/admin/")
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()

    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_contain_text("2 unread")
    page.get_by_role("button", name=f"#{ticket.pk}: Due soon").click()
    expect(page).to_have_url(f"{live_server.url}/tickets/{ticket.pk}")
    expect(page.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
    page.get_by_role("link", name="Notifications, 1 unread").click()
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_role("status")).to_contain_text("Marked 1 notification read.")
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    # From the ticket's panel to the customer's page, and correct them there.
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    page.get_by_role("link", name="Kim Park").click()
    expect(page.get_by_role("heading", name="Kim Park")).to_be_visible()
    expect(page.locator(f'tr[data-ticket="{ticket.pk}"]')).to_contain_text("New")
    page.get_by_text("Edit", exact=True).click()
    name = page.get_by_label("Name")
    name.click()
    name.press("End")
    name.press_sequentially("-Lee", delay=50)
    name.press("Tab")
    zone = page.get_by_label("Time zone")
    zone.press_sequentially("Europe/Berlin", delay=50)
    page.get_by_label("VIP").check()
    page.get_by_role("button", name="Save customer").click()
    expect(page.get_by_role("status")).to_contain_text("Saved the customer's name, time zone, vip")
    expect(page.get_by_role("heading", name="Kim Park-Lee")).to_be_visible()
    kim = Customer.objects.get(pk=ticket.customer_id)
    assert (kim.name, kim.timezone, kim.vip) == ("Kim Park-Lee", "Europe/Berlin", True)

    # A wrong time zone, typed: said in words, nothing saved.
    page.get_by_text("Edit", exact=True).click()
    zone = page.get_by_label("Time zone")
    zone.fill("")
    zone.press_sequentially("Europe/Atlantis", delay=50)
    page.get_by_role("button", name="Save customer").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Nothing was saved: time zone 'Europe/Atlantis' is not one such as Europe/Berlin."
    )
    kim.refresh_from_db()
    assert kim.timezone == "Europe/Berlin"

    # The new pages fit a tablet too.
    page.set_viewport_size({"width": 768, "height": 1024})
    for path in (f"/customers/{kim.pk}", "/notifications", "/search?q=kim"):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
