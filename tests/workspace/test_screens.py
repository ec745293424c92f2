"""The main screens at laptop and tablet widths: nothing overflows sideways, every form field
has a label. With CAREDESK_SCREENSHOTS=DIR set, the screens are also saved there (that is how
docs/screenshots/ is made)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.services import ticket_add_note
from tests.api.support import new_ticket
from tests.sla.conftest import only_policy

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS: dict[str, ViewportSize] = {
    "laptop": {"width": 1366, "height": 800},
    "tablet": {"width": 768, "height": 1024},
}


def look(page: Page, name: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
    unlabelled = page.evaluate(
        """Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
            .filter(el => !(el.labels && el.labels.length) && !el.closest('label')
                          && !el.getAttribute('aria-label'))
            .map(el => el.name)"""
    )
    assert unlabelled == [], f"{name}: fields without a label: {unlabelled}"
    folder = os.environ.get("CAREDESK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_main_screens_fit_and_are_labelled(
    page: Page, live_server: LiveServer, mailbox: Mailbox, width: str
) -> None:
    page.set_viewport_size(WIDTHS[width])
    ann = agent_create(email="ann@example.com", name="Ann Agent", role="agent", password="x" * 12)
    only_policy(first_reply_minutes=480, next_reply_minutes=480, resolution_minutes=1440)
    ticket = new_ticket(
        mailbox,
        sender="Jane Doe <jane@example.net>",
        subject="Charged twice for order 1234",
        body="Hello,\n\nI was charged twice for my order 1234. Please refund one.\n\nJane\n",
    )
    new_ticket(mailbox, sender="kim@example.org", subject="How do I export my data?")
    new_ticket(mailbox, sender="lee@example.org", subject="Login fails", body="I can't log in.")
    ticket_add_note(ticket=ticket, author=ann, text="Checked billing: two charges on the 20th.")

    page.goto(live_server.url + "/sign-in")
    look(page, f"sign-in-{width}")
    page.get_by_label("Email").fill("ann@example.com")
    page.get_by_label("Password").fill("x" * 12)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/inbox/open")
    expect(page.locator("tr[data-ticket]")).to_have_count(3)
    look(page, f"inbox-{width}")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    expect(page.locator(".entry.note")).to_be_visible()
    look(page, f"ticket-{width}")
