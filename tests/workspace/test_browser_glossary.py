"""The desk's glossary end to end, in a real browser: a supervisor adds a term in the admin,
typing it as a person does, and an agent's draft in the composer is flagged with its plain
words."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create
from caredesk.glossary.models import GlossaryTerm
from caredesk.mailboxes.models import Mailbox
from tests.api.support import new_ticket
from tests.workspace.browser import PASSWORD, sign_in


@pytest.mark.django_db(transaction=True)
def test_a_supervisor_adds_a_term_and_an_agents_draft_is_flagged_with_its_plain_words(
    page: Page, live_server: LiveServer, mailbox: Mailbox
) -> None:
    agent_create(email="sue@example.com", name="Sue Super", role="supervisor", password=PASSWORD)
    agent_create(email="ann@example.com", name="Ann Agent", role="agent", password=PASSWORD)
    ticket = new_ticket(mailbox, body="Where is my parcel? It has been a week.\n")

    sign_in(page, live_server.url, email="sue@example.com")
    menu = page.get_by_role("navigation", name="Account")
    menu.get_by_text("Sue Super").click()
    menu.get_by_role("link", name="Settings (admin)").click()
    page.get_by_role("link", name="Glossary terms").click()
    page.get_by_role("link", name="Add glossary term").click()
    page.locator("#id_term").press_sequentially("WMS", delay=50)
    page.keyboard.press("Tab")
    page.keyboard.type("warehouse system", delay=50)
    page.keyboard.press("Tab")  # the language stays empty: every language
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert GlossaryTerm.objects.get().plain == "warehouse system"

    page.context.clear_cookies()
    sign_in(page, live_server.url, email="ann@example.com")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    page.get_by_label("Message").press_sequentially(
        "Hi Jane, your parcel is in the WMS queue and I'll write again today.", delay=40
    )
    jargon = page.locator("#assistant [data-type=jargon]")
    expect(jargon).to_have_count(1)
    expect(jargon).to_contain_text("WMS")
    expect(jargon).to_contain_text('Say "warehouse system" instead')
