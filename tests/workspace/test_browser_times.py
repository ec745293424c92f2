"""What the page adds in place (a change saved from the panel) shows its time in the agent's
zone, named, like the rest of the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from tests.api.support import new_ticket
from tests.workspace.browser import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_timeline_is_in_the_agents_zone_after_a_change_in_place(
    page: Page, live_server: LiveServer, mailbox: Mailbox
) -> None:
    agent_create(email="ann@example.com", name="Ann Agent", role="admin", password=PASSWORD)
    Agent.objects.filter(email="ann@example.com").update(time_zone="Pacific/Auckland")
    ticket = new_ticket(mailbox)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    expect(page.locator(".zone-note")).to_contain_text("Pacific/Auckland")
    page.get_by_label("Status").select_option("pending")
    change = page.locator("#timeline .event", has_text="changed the status from New to Pending")
    expect(change).to_be_visible()
    shown = change.locator("time")
    expect(shown).to_have_attribute("title", re.compile(r" NZDT \(Pacific/Auckland\)$"))
    expect(shown).to_have_attribute("datetime", re.compile(r"\+13:00$"))
