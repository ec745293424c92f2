"""A note cannot be taken for a reply: it looks different, says the customer does not see it,
has no CC and no status to set after it, and its button says what it does."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail
from caredesk.tickets.models import Ticket
from caredesk.workspace.drafts import draft_save
from caredesk.workspace.models import Draft
from tests.api.support import new_ticket
from tests.workspace.browser import PASSWORD, sign_in


@pytest.mark.django_db(transaction=True)
def test_switching_to_a_note_changes_how_the_composer_looks_and_what_it_offers(
    page: Page, live_server: LiveServer, mailbox: Mailbox
) -> None:
    agent_create(email="ann@example.com", name="Ann Agent", role="admin", password=PASSWORD)
    ticket = new_ticket(mailbox)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    composer = page.locator("#composer")
    reply_colour = composer.evaluate("el => getComputedStyle(el).backgroundColor")
    expect(page.get_by_role("button", name="Send reply")).to_be_visible()
    expect(page.get_by_label("CC", exact=True)).to_be_visible()
    expect(page.get_by_label("Then set")).to_be_visible()
    expect(page.get_by_text("the customer does not see this")).to_be_hidden()

    page.get_by_label("CC", exact=True).press_sequentially("boss@example.net", delay=20)
    page.keyboard.press("n")  # ignored while typing in a field
    page.get_by_label("Internal note").check()
    expect(page.get_by_text("the customer does not see this")).to_be_visible()
    expect(page.get_by_role("button", name="Add note")).to_be_visible()
    expect(page.get_by_role("button", name="Send reply")).to_have_count(0)
    expect(page.get_by_label("CC", exact=True)).to_be_hidden()
    expect(page.get_by_label("CC", exact=True)).to_be_disabled()
    expect(page.get_by_label("Then set")).to_be_hidden()
    expect(page.locator("#recipients")).to_be_hidden()
    assert composer.evaluate("el => getComputedStyle(el).backgroundColor") != reply_colour

    emails = OutboundEmail.objects.count()
    page.get_by_label("Message").press_sequentially("Checked the warehouse log.", delay=20)
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("status")).to_contain_text("Note added.")
    note = Ticket.objects.get(pk=ticket.pk).messages.get(kind="note")
    assert note.text == "Checked the warehouse log."
    assert OutboundEmail.objects.count() == emails  # nothing went out

    page.get_by_label("Reply to customer").check()  # back: CC and "then set" return
    expect(page.get_by_label("CC", exact=True)).to_be_enabled()
    expect(page.get_by_role("button", name="Send reply")).to_be_visible()


@pytest.mark.django_db
def test_a_draft_note_comes_back_as_a_note(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="admin", password=PASSWORD)
    ticket = new_ticket(mailbox)
    draft_save(agent=ann, ticket=ticket, kind="note", text="For the team")
    client.force_login(ann)
    page = client.get(f"/tickets/{ticket.pk}").content.decode()
    assert 'class="composer note"' in page
    assert ">Add note</button>" in page
    assert (
        '<input id="cc" name="cc" placeholder="other addresses, comma-separated" value="" disabled>'
        in page
    )


@pytest.mark.django_db
def test_the_server_refuses_cc_on_a_note(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="admin", password=PASSWORD)
    ticket = new_ticket(mailbox)
    client.force_login(ann)
    response = client.post(
        f"/tickets/{ticket.pk}/reply",
        {"kind": "note", "text": "Internal only", "cc": "boss@example.net"},
        follow=True,
    )
    assert "a note stays inside caredesk and is copied to nobody" in response.content.decode()
    assert not ticket.messages.filter(kind="note").exists()
    assert not ticket.participants.filter(address="boss@example.net").exists()
    draft = Draft.objects.get(agent=ann, ticket=ticket)
    assert (draft.kind, draft.text) == ("note", "Internal only")
