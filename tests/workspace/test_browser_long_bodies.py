"""A long email in Chromium: the ticket page says it is cut, and "Show all" shows the rest."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Message
from tests.conftest import deliver, ticket_of
from tests.long_bodies import long_email, long_text
from tests.workspace.browser import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_long_email_says_it_is_cut_and_shows_all_on_request(
    page: Page, live_server: LiveServer, mailbox: Mailbox, settings: Settings
) -> None:
    settings.CAREDESK_BODY_SHOWN_CHARS = 2000  # a 200 KB log, cut as a 30 MB one would be
    ticket = ticket_of(deliver(long_email(text=long_text(200_000)), mailbox))
    message = Message.objects.get(ticket=ticket, kind="customer")
    whole = message.text
    last_line = whole.rstrip("\n").rsplit("\n", 1)[-1]  # far past the first 2,000 characters
    agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    sign_in(page, live_server.url)

    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    notice = page.locator(".entry.customer .long-body")
    expect(notice).to_contain_text(
        f"({len(whole):,} characters); showing the first 2,000 characters."
    )
    expect(notice.get_by_role("link", name="Download original")).to_be_visible()
    expect(page.locator(".entry.customer .text")).not_to_contain_text(last_line)
    expect(page.locator(".entry.customer .clipped")).to_contain_text("[Message clipped: ")
    page.wait_for_timeout(400)  # an agent reads the notice before clicking
    notice.get_by_role("link", name="Show all").click()

    expect(page).to_have_url(f"{live_server.url}/messages/{message.pk}/text")
    expect(page.locator("body")).to_contain_text(last_line)
    expect(page.locator("body")).to_contain_text("Here is the log, it fails at the end.")
