"""Light formatting in Chromium: an agent types a reply, makes a word bold with Ctrl+B, writes a
two-item list and a link, sends; the relay gets the HTML and the plain text with the same words,
and the timeline shows the reply formatted, without the quote."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import MessageKind
from caredesk.workspace.models import Draft
from tests.api.support import new_ticket
from tests.mail import SmtpSink, plain_text
from tests.workspace.browser import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TYPING = 45  # ms between keys: an agent typing, not a paste


@pytest.fixture
def ann(db: None) -> Agent:
    return agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)


def test_bold_and_a_list_typed_in_the_composer_reach_the_customer_formatted(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent, relay: SmtpSink
) -> None:
    ticket = new_ticket(mailbox, subject="Refund?")
    relay.wait_for(1)  # the acknowledgement
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")

    toolbar = page.get_by_role("toolbar", name="Formatting")
    expect(toolbar.get_by_role("button", name="Bold")).to_have_attribute(
        "aria-keyshortcuts", "Control+B"
    )
    box = page.get_by_label("Message")
    box.click()
    box.press_sequentially("Hi Jane, your refund is ", delay=TYPING)
    box.press("Control+b")  # opens a bold pair to type into ...
    box.press_sequentially("approved", delay=TYPING)
    box.press("Control+b")  # ... and steps out of it
    box.press_sequentially(". What happens next:", delay=TYPING)
    box.press("Enter")
    box.press("Enter")
    toolbar.get_by_role("button", name="Bulleted list").click()
    box.press_sequentially("The money reaches your bank in 3 days", delay=TYPING)
    box.press("Enter")  # the list goes on by itself
    box.press_sequentially("You get an email from us", delay=TYPING)
    box.press("Enter")
    box.press("Enter")  # an empty item ends the list
    box.press_sequentially("Details are in our guide", delay=TYPING)
    for _ in range(len("our guide")):
        box.press("Shift+ArrowLeft")
    box.press("Control+k")  # the words become a link; its address is chosen, to type over
    box.press_sequentially("https://example.com/refunds", delay=TYPING)
    box.press("End")
    box.press_sequentially(".", delay=TYPING)

    written = (
        "Hi Jane, your refund is **approved**. What happens next:\n\n"
        "- The money reaches your bank in 3 days\n"
        "- You get an email from us\n\n"
        "Details are in [our guide](https://example.com/refunds)."
    )
    expect(box).to_have_value(written)
    # The draft is saved as typed, Markdown and all.
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")
    assert Draft.objects.get().text.replace("\r\n", "\n") == written

    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text("Reply sent")

    got = relay.wait_for(2)[-1].message
    assert got["From"] == "Ann at Example Support <support@example.com>"
    html_part = got.get_body(("html",))
    assert html_part is not None
    html = str(html_part.get_content())
    assert "<strong>approved</strong>" in html
    assert (
        "<ul><li>The money reaches your bank in 3 days</li><li>You get an email from us</li></ul>"
        in html
    )
    assert '<a href="https://example.com/refunds" rel="noopener noreferrer">our guide</a>' in html
    assert "<blockquote" in html  # the customer's message, quoted
    plain = plain_text(got).replace("\r\n", "\n")
    assert plain.startswith(
        "Hi Jane, your refund is **approved**. What happens next:\n\n"
        "- The money reaches your bank in 3 days\n- You get an email from us\n\n"
        "Details are in our guide (https://example.com/refunds)."
    )
    assert "wrote:\n> " in plain

    # The timeline shows the reply formatted, as the customer sees it, and no quote.
    entry = page.locator(".entry.reply .formatted-reply")
    expect(entry.locator("strong")).to_have_text("approved")
    expect(entry.locator("ul > li")).to_have_text(
        ["The money reaches your bank in 3 days", "You get an email from us"]
    )
    expect(entry.get_by_role("link", name="our guide")).to_have_attribute(
        "href", "https://example.com/refunds"
    )
    expect(entry).not_to_contain_text("wrote:")
    reply = ticket.messages.get(kind=MessageKind.REPLY)
    assert reply.new_text.replace("\r\n", "\n") == written  # as typed (the form sends CRLF)


def test_toolbar_buttons_wrap_the_selection_and_hostile_text_stays_text(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent, relay: SmtpSink
) -> None:
    ticket = new_ticket(mailbox)
    relay.wait_for(1)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    box = page.get_by_label("Message")
    box.click()
    box.press_sequentially("Sorry <img src=x onerror=alert(1)> twice", delay=TYPING)
    for _ in range(len("twice")):
        box.press("Shift+ArrowLeft")
    page.get_by_role("button", name="Italics").click()
    expect(box).to_have_value("Sorry <img src=x onerror=alert(1)> *twice*")
    page.get_by_role("button", name="Italics").click()  # pressed again: undone
    expect(box).to_have_value("Sorry <img src=x onerror=alert(1)> twice")
    box.press("Control+i")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text("Reply sent")
    entry = page.locator(".entry.reply .formatted-reply")
    expect(entry.locator("em")).to_have_text("twice")
    expect(entry).to_contain_text("<img src=x onerror=alert(1)>")  # shown as the words typed
    expect(entry.locator("img")).to_have_count(0)
    html = str(relay.wait_for(2)[-1].message.get_body(("html",)).get_content())  # type: ignore[union-attr]
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
