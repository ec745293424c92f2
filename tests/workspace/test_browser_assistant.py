"""The reply assistant beside the composer: typed at a person's speed, a blaming draft is
flagged with why and a fix; rewritten, the flag goes; and a flagged draft still sends."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from tests.api.support import new_ticket
from tests.workspace.browser import PASSWORD, sign_in


@pytest.mark.django_db(transaction=True)
def test_a_blaming_draft_is_flagged_and_the_flag_clears_when_fixed(
    page: Page, live_server: LiveServer, mailbox: Mailbox
) -> None:
    agent_create(email="ann@example.com", name="Ann Agent", role="admin", password=PASSWORD)
    ticket = new_ticket(mailbox, body="The export fails. I already restarted the app.\n")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    assistant = page.locator("#assistant")
    blame = assistant.locator("[data-type=blame]")
    expect(assistant).to_be_hidden()

    message = page.get_by_label("Message")
    message.press_sequentially(
        "Hi Jane, as I already explained, you should have saved it.", delay=40
    )
    expect(blame.first).to_be_visible()
    expect(blame).to_have_count(2)
    expect(blame.first).to_contain_text("as I already explained")
    expect(blame.first).to_contain_text("Repeat the point plainly")  # the fix
    expect(blame.nth(1)).to_contain_text("the problem is what they did")  # why

    message.press("Control+a")
    message.press("Backspace")
    message.press_sequentially(
        "Hi Jane, please restart the app and I'll check the export today.", delay=40
    )
    expect(blame).to_have_count(0)
    # What the customer said they tried is noticed too.
    expect(assistant.locator("[data-type=personal]")).to_contain_text("already did this")

    message.press("Control+a")
    message.press("Backspace")
    message.press_sequentially(
        "Hi Jane, I'll check the export log and write again today.", delay=40
    )
    expect(assistant.locator("[data-type]")).to_have_count(0)
    expect(assistant).to_contain_text("Nothing to flag")

    # Advice only: a flagged draft is sent all the same.
    message.press_sequentially(" Obviously.", delay=40)
    expect(assistant.locator("[data-type=blame]")).to_have_count(1)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text("Reply sent")
    reply = Ticket.objects.get(pk=ticket.pk).messages.get(kind="reply")
    assert reply.text.endswith("Obviously.")
