"""Editing the side panel at typing speed: a property saved while the agent already types in
the next field never costs them a letter, whatever the timing (the panel is brought up to
date around what they are editing, never redrawn under their fingers)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.models import Team
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from tests.api.support import new_ticket
from tests.workspace.browser import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _open(page: Page, live_server: LiveServer, mailbox: Mailbox) -> Ticket:
    agent_create(email="ann@example.com", name="Ann Agent", role="admin", password=PASSWORD)
    Team.objects.create(name="Billing")
    ticket = new_ticket(mailbox, subject="Wrong item", body="You sent me the wrong shoes.")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    page.evaluate("window.__samePage = true")
    return ticket


def _tags(ticket: Ticket) -> list[str]:
    return sorted(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True))


@pytest.mark.parametrize("delay", [20, 50, 120])
def test_typing_on_through_a_save_loses_nothing(
    page: Page, live_server: LiveServer, mailbox: Mailbox, delay: int
) -> None:
    ticket = _open(page, live_server, mailbox)
    page.get_by_label("Category").click()
    page.get_by_label("Category").press_sequentially("returns", delay=delay)
    page.keyboard.press("Tab")  # saves the category while the agent types the tags
    expect(page.get_by_label("Tags")).to_be_focused()
    page.keyboard.type("wrong-item", delay=delay)
    page.keyboard.press("Enter")

    expect(page.locator("#timeline")).to_contain_text("Ann Agent added the tag wrong-item")
    expect(page.locator("#timeline")).to_contain_text("returns")
    expect(page.get_by_label("Category")).to_have_value("returns")
    expect(page.get_by_label("Tags")).to_have_value("wrong-item")
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.category == "returns"
    assert _tags(ticket) == ["wrong-item"]
    assert page.evaluate("window.__samePage") is True


@pytest.mark.parametrize("delay", [20, 50, 120])
def test_several_fields_in_a_row_each_keep_every_letter(
    page: Page, live_server: LiveServer, mailbox: Mailbox, delay: int
) -> None:
    """Team, category, tags, then the priority's reason, one after the other with Tab, each
    change saved while the next one is typed."""
    ticket = _open(page, live_server, mailbox)
    page.get_by_label("Team").select_option(label="Billing")  # saved at once
    page.get_by_label("Category").click()
    page.keyboard.type("shipping", delay=delay)
    page.keyboard.press("Tab")
    page.keyboard.type("courier, late-delivery", delay=delay)
    page.keyboard.press("Tab")  # to Save: the tags are saved as the focus leaves them
    expect(page.locator("#timeline")).to_contain_text("Ann Agent added the tag late-delivery")
    page.get_by_label("Category").click()
    page.keyboard.press("End")
    page.keyboard.type(" damage", delay=delay)
    page.keyboard.press("Enter")
    expect(page.locator("#timeline")).to_contain_text("shipping damage")
    page.get_by_label("Priority").select_option("high")
    page.get_by_label("Why").first.click()
    page.keyboard.type("Parcel lost twice", delay=delay)
    page.keyboard.press("Enter")
    expect(page.locator("#timeline")).to_contain_text(
        "Ann Agent set the priority to high (was normal): Parcel lost twice"
    )

    expect(page.get_by_label("Category")).to_have_value("shipping damage")
    expect(page.get_by_label("Tags")).to_have_value("courier, late-delivery")
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.team is not None and saved.team.name == "Billing"
    assert (saved.category, saved.priority) == ("shipping damage", "high")
    assert _tags(ticket) == ["courier", "late-delivery"]
    assert page.evaluate("window.__samePage") is True


def test_a_slow_answer_never_overwrites_what_is_typed_meanwhile(
    page: Page, live_server: LiveServer, mailbox: Mailbox
) -> None:
    """The answer to the category's save arrives a second later, by when the agent has typed
    the tags and gone back into the category to add to it: both stay as typed, the caret
    where it was, and saving them saves what was typed."""
    ticket = _open(page, live_server, mailbox)
    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if not held:
            held.append(route)
            page.wait_for_timeout(1000)
        route.continue_()

    page.route("**/properties", hold_the_first)
    page.get_by_label("Category").click()
    page.keyboard.type("returns", delay=50)
    page.keyboard.press("Tab")
    page.keyboard.type("refund", delay=50)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("End")
    page.keyboard.type("-eu", delay=50)
    expect(page.locator("#timeline")).to_contain_text("returns", timeout=10_000)
    page.keyboard.type("!", delay=50)
    expect(page.get_by_label("Category")).to_have_value("returns-eu!")
    expect(page.get_by_label("Tags")).to_have_value("refund")
    assert page.get_by_label("Category").evaluate("el => el.selectionStart") == len("returns-eu!")
    page.keyboard.press("Enter")
    expect(page.locator("#timeline")).to_contain_text("returns-eu!")
    expect(page.locator("#timeline")).to_contain_text("Ann Agent added the tag refund")
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.category == "returns-eu!"
    assert _tags(ticket) == ["refund"]
    page.unroute_all(behavior="wait")


def test_a_refused_change_shows_what_the_ticket_has(
    page: Page, live_server: LiveServer, mailbox: Mailbox
) -> None:
    """Fields the agent is not editing show the ticket as saved: a status the state table
    refuses goes back to the status the ticket has, with the reason."""
    ticket = _open(page, live_server, mailbox)
    page.once("dialog", lambda dialog: dialog.accept())  # nobody replied: it asks first
    page.get_by_label("Status").select_option("solved")
    expect(page.get_by_role("status")).to_contain_text("Status: solved")
    page.get_by_label("Status").select_option("new")
    expect(page.get_by_role("status")).to_contain_text("a solved ticket cannot become new")
    expect(page.get_by_label("Status")).to_have_value("solved")
    assert Ticket.objects.get(pk=ticket.pk).status == "solved"


def test_typing_while_another_form_saves_keeps_every_letter(
    page: Page, live_server: LiveServer, mailbox: Mailbox
) -> None:
    """The status is saved (its answer slowed down) while the agent types the category and
    the priority's reason: the answer brings the status and timeline, and leaves both as
    typed."""
    ticket = _open(page, live_server, mailbox)

    def slowly(route: Route) -> None:
        page.wait_for_timeout(800)
        route.continue_()

    page.route("**/status", slowly)
    page.get_by_label("Status").select_option("pending")
    page.get_by_label("Category").click()
    page.keyboard.type("billing", delay=50)
    page.get_by_label("Why").first.click()
    page.keyboard.type("VIP customer", delay=50)
    expect(page.get_by_role("status")).to_contain_text("Status: pending")
    expect(page.get_by_label("Category")).to_have_value("billing")
    expect(page.get_by_label("Why").first).to_have_value("VIP customer")
    page.keyboard.type(" waiting", delay=50)
    expect(page.get_by_label("Why").first).to_have_value("VIP customer waiting")
    assert Ticket.objects.get(pk=ticket.pk).category == "billing"  # saved as the focus left it
    page.unroute_all(behavior="wait")
