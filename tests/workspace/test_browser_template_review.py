"""A shared template's review in Chromium: an agent writes one on the templates page (typing as
a person does, Tab between fields) and sends it for review; it is not offered until a
supervisor, from the review queue, approves it; then the agent finds it in the composer."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.replies.models import ReplyTemplate, State
from caredesk.replies.services import template_create
from tests.api.support import new_ticket
from tests.workspace.browser import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
TYPING = 45  # ms between keys


@pytest.fixture
def ann(db: None) -> Agent:
    return agent_create(email="ann@example.com", name="Ann Agent", role="agent", password=PASSWORD)


@pytest.fixture
def sue(db: None) -> Agent:
    return agent_create(
        email="sue@example.com", name="Sue Boss", role="supervisor", password=PASSWORD
    )


def open_picker(page: Page, base: str, ticket: int) -> Locator:
    """The composer's picker on `ticket`, opened with `t`, listing Ann's own "Greeting"."""
    page.goto(f"{base}/tickets/{ticket}")
    page.keyboard.press("t")
    picker = page.get_by_role("dialog", name="Insert a template")
    expect(picker.get_by_role("option", name="Greeting")).to_be_visible()
    return picker


def test_a_shared_template_is_offered_once_a_supervisor_approves_it(
    page: Page, browser: Browser, live_server: LiveServer, mailbox: Mailbox, ann: Agent, sue: Agent
) -> None:
    ticket = new_ticket(mailbox, sender="Kim Park <kim@example.org>", subject="Where is it?")
    template_create(actor=ann, name="Greeting", variants={"en": "Hello {{ customer.name }}"})
    base = live_server.url
    sign_in(page, base)

    page.get_by_role("link", name="Templates").click()
    expect(page.get_by_role("heading", name="Templates")).to_be_visible()
    expect(page.get_by_role("link", name="In review (")).to_have_count(0)  # not a reviewer
    page.get_by_role("link", name="New template").click()
    name = page.get_by_label("Name")
    expect(name).to_be_focused()
    name.press_sequentially("Parcel tracking", delay=TYPING)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Scope")).to_be_focused()
    page.get_by_label("Scope").select_option("shared")
    page.keyboard.press("Tab")  # the team: none, for a shared template
    page.keyboard.press("Tab")
    language = page.get_by_label("Language of the text")
    expect(language).to_be_focused()
    expect(language).to_have_value("en")
    page.keyboard.press("Tab")
    text = page.get_by_label("Text", exact=True)
    expect(text).to_be_focused()
    text.press_sequentially(
        "Hello {{ customer.first_name }}, your parcel is on its way.", delay=TYPING
    )
    page.get_by_role("button", name="Create template").click()

    expect(page.get_by_role("heading", name="Parcel tracking")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Created the template")
    expect(page.locator(".template-facts .state")).to_have_text("Draft")
    expect(page.locator(".variant-text")).to_have_text(
        "Hello {{ customer.first_name }}, your parcel is on its way."
    )
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_role("status")).to_contain_text("Sent for review")
    expect(page.locator(".template-facts .state")).to_have_text("In review")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    assert ReplyTemplate.objects.get(name="Parcel tracking").state == State.IN_REVIEW

    picker = open_picker(page, base, ticket.pk)
    picker.get_by_label("Find a template").press_sequentially("parcel", delay=TYPING)
    expect(picker.get_by_text("No template matches.")).to_be_visible()
    expect(picker.get_by_role("option")).to_have_count(0)

    supervisor = browser.new_context().new_page()
    sign_in(supervisor, base, email="sue@example.com")
    supervisor.keyboard.press("g")
    supervisor.keyboard.press("t")  # the templates, from the keyboard
    expect(supervisor.get_by_role("heading", name="Templates")).to_be_visible()
    supervisor.get_by_role("link", name="In review (1)").click()
    expect(supervisor.get_by_role("heading", name="Templates in review")).to_be_visible()
    supervisor.get_by_role("link", name="Parcel tracking").click()
    expect(supervisor.locator(".variant-text")).to_contain_text("your parcel is on its way")
    supervisor.get_by_role("button", name="Approve").click()
    expect(supervisor.get_by_role("status")).to_contain_text("Approved")
    expect(supervisor.locator(".template-facts .state")).to_have_text("Approved")
    supervisor.context.close()

    picker = open_picker(page, base, ticket.pk)
    picker.get_by_label("Find a template").press_sequentially("parcel", delay=TYPING)
    expect(picker.get_by_role("option")).to_have_count(1)
    expect(picker.get_by_role("option").first).to_contain_text("Parcel tracking")
    expect(picker.locator("#template-preview")).to_contain_text(
        "Hello Kim, your parcel is on its way."
    )
