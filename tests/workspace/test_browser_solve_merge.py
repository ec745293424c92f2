"""Closing moves on a ticket's page ask first: solving a ticket nobody answered (the `s` key,
the status list) and merging; a refused merge is said on the page, and a merged ticket says
where it went and offers nothing it no longer makes sense to do."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.sla.models import SlaTimer, TimerState
from caredesk.tickets.models import Ticket
from caredesk.tickets.replies import ticket_reply
from tests.api.support import new_ticket
from tests.sla.conftest import only_calendar, only_policy
from tests.workspace.browser import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _status(ticket: Ticket) -> str:
    return Ticket.objects.get(pk=ticket.pk).status


@pytest.fixture
def ann(db: None) -> None:
    agent_create(email="ann@example.com", name="Ann Agent", role="admin", password=PASSWORD)


def test_the_s_key_asks_before_solving_an_unanswered_ticket(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: None
) -> None:
    only_calendar(always_open=True)
    only_policy(first_reply_minutes=60, resolution_minutes=240)
    ticket = new_ticket(mailbox, subject="Site down", body="Everything is down! Urgent!")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    asked: list[str] = []

    def decline(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    page.keyboard.press("s")
    expect(page.get_by_label("Status")).to_have_value("new")
    assert asked and "Nobody has replied to the customer" in asked[0]
    assert "not met" in asked[0]
    page.wait_for_timeout(500)  # nothing is on its way
    assert _status(ticket) == "new"

    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("s")
    expect(page.get_by_role("status")).to_contain_text("Status: solved")
    assert _status(ticket) == "solved"
    first = SlaTimer.objects.get(ticket=ticket, kind="first_reply")
    assert first.state == TimerState.UNANSWERED


def test_the_status_list_asks_too_and_going_back_restores_it(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: None
) -> None:
    ticket = new_ticket(mailbox)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_label("Status").select_option("solved")
    expect(page.get_by_label("Status")).to_have_value("new")
    page.get_by_role("button", name="Set status").click()  # "new" again: nothing to ask
    page.wait_for_timeout(500)
    assert _status(ticket) == "new"
    page.get_by_label("Status").select_option("pending")  # not solving: no question
    expect(page.get_by_role("status")).to_contain_text("Status: pending")


def test_an_answered_ticket_solves_with_one_key(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: None
) -> None:
    from caredesk.accounts.models import Agent

    ticket = new_ticket(mailbox)
    ticket_reply(ticket=ticket, author=Agent.objects.get(), text="It ships today.")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.keyboard.press("s")
    expect(page.get_by_role("status")).to_contain_text("Status: solved")
    assert asked == []


def test_merging_asks_first_and_a_missing_ticket_is_said_on_the_page(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: None
) -> None:
    older = new_ticket(mailbox, sender="jane@example.net", subject="Order 1234")
    ticket = new_ticket(mailbox, sender="jane@example.net", subject="Order 1234 again")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")

    page.get_by_label("Merge into ticket").press_sequentially("#99999", delay=50)
    page.get_by_label("Why").last.press_sequentially("same order", delay=50)
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_label("Merge into ticket")).to_have_value("#99999")
    assert Ticket.objects.get(pk=ticket.pk).merged_into_id is None

    page.get_by_label("Message").fill("Half an answer")  # then at once, before any autosave:
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_response(f"**/tickets/{ticket.pk}/merge") as answer:
        page.get_by_role("button", name="Merge").click()
    assert answer.value.status == 404
    expect(page.get_by_role("alert")).to_contain_text("Not merged: there is no ticket #99999")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{ticket.pk}")
    expect(page.get_by_label("Merge into ticket")).to_have_value("#99999")
    expect(page.get_by_label("Why").last).to_have_value("same order")
    expect(page.get_by_label("Message")).to_have_value("Half an answer")  # kept as a draft

    page.get_by_label("Merge into ticket").fill("")
    page.get_by_label("Merge into ticket").press_sequentially(str(older.pk), delay=50)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{older.pk}")
    expect(page.get_by_role("status")).to_contain_text(f"Merged #{ticket.pk} into #{older.pk}")

    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    notice = page.locator(".notice.merged")
    expect(notice).to_contain_text(f"Merged into #{older.pk} by Ann Agent")
    expect(notice.get_by_role("link", name=f"#{older.pk}")).to_have_attribute(
        "href", f"/tickets/{older.pk}"
    )
    expect(page.locator("#composer")).to_have_count(0)
    expect(page.get_by_label("Status")).to_have_count(0)
    expect(page.get_by_label("Merge into ticket")).to_have_count(0)
    expect(page.locator("#panel")).to_contain_text("This ticket was merged into")
    expect(page.locator("#timeline")).to_contain_text(
        f"Ann Agent merged this ticket into #{older.pk}"
    )
    expect(page.get_by_text("History (")).to_be_visible()


def test_solving_from_the_inbox_asks_when_a_selected_ticket_has_no_reply(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: None
) -> None:
    from caredesk.accounts.models import Agent

    answered = new_ticket(mailbox, sender="a@example.net", subject="Answered one")
    ticket_reply(ticket=answered, author=Agent.objects.get(), text="Done.")
    waiting = new_ticket(mailbox, sender="b@example.net", subject="Waiting one")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/inbox/open")
    asked: list[str] = []

    def decline(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.get_by_label(f"Select #{answered.pk}").check()
    page.on("dialog", decline)
    page.get_by_role("button", name="Set status").click()  # only an answered one: no question
    expect(page.get_by_role("link", name="#" + str(answered.pk), exact=False)).to_have_count(0)
    assert asked == []
    assert _status(answered) == "solved"

    page.get_by_label(f"Select #{waiting.pk}").check()
    page.get_by_role("button", name="Set status").click()
    page.wait_for_timeout(500)
    assert asked and "1 of the selected tickets has had no reply" in asked[0]
    assert _status(waiting) == "new"
