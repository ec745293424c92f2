"""The composer in Chromium: files reach the relay, drafts survive reloads and other browsers,
and a customer's message is split into a ticket of its own."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import MessageKind, Ticket
from caredesk.workspace.models import Draft
from tests.api.support import new_ticket
from tests.conftest import deliver, wait_until
from tests.mail import SmtpSink, make_email, plain_text
from tests.workspace.browser import sign_in
from tests.workspace.test_screens import WIDTHS, look

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


@pytest.fixture
def ann(db: None) -> Agent:
    return agent_create(email="ann@example.com", name="Ann Agent", role="agent", password=PASSWORD)


def test_a_reply_with_files_reaches_the_relay_with_them(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent, relay: SmtpSink
) -> None:
    ticket = new_ticket(mailbox, subject="Return label?")
    relay.wait_for(1)  # the acknowledgement
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")

    page.get_by_label("Message").fill("The label and the steps are attached.")
    chosen: list[FilePayload] = [
        {"name": "label.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 label"},
        {"name": "steps.txt", "mimeType": "text/plain", "buffer": b"1. Print it"},
    ]
    page.get_by_label("Attach files").set_input_files(chosen)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Reply sent")
    entry = page.locator(".entry.reply")
    expect(entry.get_by_role("link", name="label.pdf")).to_be_visible()
    expect(entry.get_by_role("link", name="steps.txt")).to_be_visible()

    got = relay.wait_for(2)[-1].message
    assert "The label and the steps are attached." in plain_text(got)
    files = {p.get_filename(): p.get_payload(decode=True) for p in got.iter_attachments()}
    assert files == {"label.pdf": b"%PDF-1.4 label", "steps.txt": b"1. Print it"}


def test_a_dangerous_file_is_refused_with_a_message_and_the_text_is_kept(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent
) -> None:
    ticket = new_ticket(mailbox)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    page.get_by_label("Message").fill("Run this to fix it.")
    page.get_by_label("Attach files").set_input_files(
        {"name": "fix.bat", "mimeType": "application/octet-stream", "buffer": b"echo hi"}
    )
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("fix.bat cannot be sent")
    expect(page.get_by_label("Message")).to_have_value("Run this to fix it.")
    assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()


def test_a_draft_survives_a_reload_and_another_browser_and_goes_once_sent(
    browser: Browser, page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent
) -> None:
    ticket = new_ticket(mailbox)
    url = f"{live_server.url}/tickets/{ticket.pk}"
    sign_in(page, live_server.url)
    page.goto(url)
    page.get_by_label("CC", exact=True).fill("boss@example.net")
    page.get_by_label("Internal note").check()  # CC hides with a note, and is kept for a reply
    page.get_by_label("Message").fill("Half-written answer")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")

    page.reload()
    expect(page.get_by_label("Message")).to_have_value("Half-written answer")
    expect(page.get_by_label("CC", exact=True)).to_have_value("boss@example.net")
    expect(page.get_by_label("Internal note")).to_be_checked()
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")

    elsewhere = browser.new_context().new_page()
    sign_in(elsewhere, live_server.url)
    elsewhere.goto(url)
    expect(elsewhere.get_by_label("Message")).to_have_value("Half-written answer")
    elsewhere.close()

    page.get_by_label("Reply to customer").check()
    page.get_by_label("CC", exact=True).fill("")
    page.get_by_label("Message").fill("Done: the refund is on its way.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Reply sent")
    assert not Draft.objects.exists()
    page.reload()
    expect(page.get_by_label("Message")).to_have_value("")
    expect(page.locator("#draft-status")).to_be_empty()


def test_leaving_the_page_at_once_keeps_the_draft_and_discard_drops_it(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent
) -> None:
    ticket = new_ticket(mailbox)
    url = f"{live_server.url}/tickets/{ticket.pk}"
    sign_in(page, live_server.url)
    page.goto(url)
    page.get_by_label("Message").fill("Typed just before leaving")
    page.goto(live_server.url + "/")  # sooner than the one-second pause
    assert wait_until(lambda: Draft.objects.filter(text="Typed just before leaving").exists())

    page.goto(url)
    expect(page.get_by_label("Message")).to_have_value("Typed just before leaving")
    page.get_by_role("button", name="Discard draft").click()
    expect(page.locator("#draft-status")).to_contain_text("Draft discarded")
    expect(page.get_by_label("Message")).to_have_value("")
    assert not Draft.objects.exists()
    page.reload()
    expect(page.get_by_label("Message")).to_have_value("")


def test_split_a_message_into_a_new_ticket(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent
) -> None:
    ticket = new_ticket(mailbox, subject="Order 1234 is late")
    first = ticket.messages.get(kind=MessageKind.CUSTOMER)
    second = make_email(
        subject="Re: Order 1234 is late",
        in_reply_to=f"<{first.message_id}>",
        body="Also, I cannot change my delivery address.\n",
    )
    assert deliver(second, mailbox).ticket_id == ticket.pk
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")

    entry = page.locator(".entry.customer", has_text="cannot change my delivery address")
    page.once("dialog", lambda dialog: dialog.accept())
    entry.get_by_role("button", name="Split into a new ticket").click()

    expect(page.get_by_role("status")).to_contain_text("Split into #")
    new = Ticket.objects.exclude(pk=ticket.pk).get()
    expect(page).to_have_url(f"{live_server.url}/tickets/{new.pk}")
    expect(page.get_by_role("heading", name=f"#{new.pk} Order 1234 is late")).to_be_visible()
    expect(page.locator(".entry.customer")).to_contain_text("cannot change my delivery address")
    expect(page.locator(".event.split_from")).to_contain_text(
        f"Ann Agent split this ticket off #{ticket.pk}"
    )

    page.locator(".event.split_from").get_by_role("link").click()
    expect(page.locator(".event.split_into")).to_contain_text(
        f"Ann Agent split a customer message off into #{new.pk}"
    )
    expect(page.locator(".entry.customer")).to_have_count(1)


def test_declining_the_question_splits_nothing(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent
) -> None:
    ticket = new_ticket(mailbox)
    first = ticket.messages.get(kind=MessageKind.CUSTOMER)
    deliver(make_email(in_reply_to=f"<{first.message_id}>", subject="Re: more"), mailbox)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator(".entry.customer").last.get_by_role("button", name="Split").click()
    expect(page.locator(".entry.customer")).to_have_count(2)
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("width", WIDTHS)
def test_the_composer_fits_and_is_labelled(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent, width: str
) -> None:
    page.set_viewport_size(WIDTHS[width])
    ticket = new_ticket(mailbox, subject="Charged twice", attachment=("receipt.pdf", b"%PDF"))
    first = ticket.messages.get(kind=MessageKind.CUSTOMER)
    deliver(make_email(in_reply_to=f"<{first.message_id}>", subject="Re: more"), mailbox)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    page.get_by_label("Message").fill("A draft long enough to wrap " * 8)
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")
    expect(page.get_by_role("button", name="Discard draft")).to_be_visible()
    expect(page.get_by_role("button", name="Split into a new ticket")).to_have_count(2)
    look(page, f"composer-{width}")
