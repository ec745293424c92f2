"""The composer's template picker in Chromium: opened from the keyboard, searched as a person
types, previewed for the ticket in the customer's language, inserted, edited and sent."""

from __future__ import annotations

from email.utils import parseaddr

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.replies.models import State, TemplateUse
from caredesk.replies.services import template_create, template_move
from caredesk.tickets.models import MessageKind
from tests.api.support import new_ticket
from tests.mail import SmtpSink, plain_text
from tests.workspace.browser import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ann(db: None) -> Agent:
    return agent_create(email="ann@example.com", name="Ann Agent", role="agent", password=PASSWORD)


@pytest.fixture
def sue(db: None) -> Agent:
    return agent_create(email="sue@example.com", name="Sue Boss", role="supervisor")


def shared_refund_template(owner: Agent, reviewer: Agent) -> None:
    refund = template_create(
        actor=owner,
        name="Refund policy",
        scope="shared",
        variants={
            "en": "Hello {{ customer.first_name }},\n\nyour refund is on its way.\n\n"
            "{{ agent.name }}",
            "de": "Hallo {{ customer.first_name }},\n\nIhre Erstattung ist unterwegs.\n\n"
            "{{ agent.name }}",
        },
    )
    template_move(actor=owner, template=refund, state=State.IN_REVIEW)
    template_move(actor=reviewer, template=refund, state=State.APPROVED)
    # Matches the search too, but nobody approved it: not offered.
    template_create(
        actor=reviewer,
        name="Refund exceptions",
        scope="shared",
        variants={"en": "Unchecked text {{ customer.name }}"},
    )


def test_a_german_customer_gets_the_german_template_with_their_name(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent, sue: Agent, relay: SmtpSink
) -> None:
    ticket = new_ticket(mailbox, sender="Anna Schmidt <anna@example.de>", subject="Erstattung")
    ticket.customer.language = "de"
    ticket.customer.save(update_fields=["language"])
    shared_refund_template(sue, sue)
    relay.wait_for(1)  # the acknowledgement
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")

    page.keyboard.press("t")
    picker = page.get_by_role("dialog", name="Insert a template")
    expect(picker).to_be_visible()
    search = picker.get_by_label("Find a template")
    expect(search).to_be_focused()
    search.press_sequentially("refu", delay=50)
    options = picker.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Refund policy")
    expect(picker.get_by_role("option", name="Refund exceptions")).to_have_count(0)
    preview = picker.locator("#template-preview")
    expect(preview).to_contain_text("Hallo Anna,")
    expect(preview).to_contain_text("Ihre Erstattung ist unterwegs.")
    expect(preview).to_contain_text("Ann Agent")
    search.press("Enter")

    expect(picker).to_be_hidden()
    message = page.get_by_label("Message")
    expect(message).to_be_focused()
    expect(message).to_have_value("Hallo Anna,\n\nIhre Erstattung ist unterwegs.\n\nAnn Agent")
    message.press("Control+End")
    message.press_sequentially("\nPS: in 3-5 Tagen.", delay=50)  # the agent edits it
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text("Reply sent")

    reply = relay.wait_for(2)[-1].message
    # From the agent, with the mailbox ("{agent} at {mailbox}", the default sender format).
    assert parseaddr(reply["From"]) == ("Ann Agent at Example Support", "support@example.com")
    sent = plain_text(reply)
    assert "Hallo Anna," in sent
    assert "Ihre Erstattung ist unterwegs." in sent
    assert "PS: in 3-5 Tagen." in sent
    assert "your refund" not in sent


def test_ctrl_slash_opens_it_while_typing_and_a_placeholder_blocks_sending(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent
) -> None:
    ticket = new_ticket(mailbox, sender="anna@example.de")  # no name to greet them by
    template_create(actor=ann, name="Greeting", variants={"en": "Hello {{ customer.first_name }},"})
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    message = page.get_by_label("Message")
    message.click()
    message.press("Control+/")
    picker = page.get_by_role("dialog", name="Insert a template")
    picker.get_by_label("Find a template").press_sequentially("greet", delay=50)
    expect(picker.get_by_role("alert")).to_contain_text("no value for customer.first_name")
    expect(picker.locator("#template-preview")).to_have_text(
        "Hello [missing: customer.first_name],"
    )
    picker.get_by_role("button", name="Insert").click()
    expect(message).to_have_value("Hello [missing: customer.first_name],")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text(
        "not sent: the reply still has [missing: customer.first_name]"
    )
    expect(message).to_have_value("Hello [missing: customer.first_name],")
    assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()


def test_a_macro_sets_status_and_tags(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent, relay: SmtpSink
) -> None:
    ticket = new_ticket(mailbox, sender="Jane Doe <jane@example.net>", subject="Refund please")
    template_create(
        actor=ann,
        name="Refund on its way",
        variants={"en": "Hello {{ customer.first_name }},\n\nyour refund is on its way."},
        actions={"status": "pending", "tags": ["refund"]},
    )
    relay.wait_for(1)  # the acknowledgement
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    macro = page.locator("#template-macro")
    expect(macro).to_be_hidden()

    page.keyboard.press("t")
    picker = page.get_by_role("dialog", name="Insert a template")
    search = picker.get_by_label("Find a template")
    expect(search).to_be_focused()
    search.press_sequentially("refund on", delay=50)
    expect(picker.get_by_role("option")).to_have_count(1)
    expect(picker.locator("#template-preview")).to_contain_text("Hello Jane,")
    search.press("Enter")

    expect(picker).to_be_hidden()
    expect(page.get_by_label("Message")).to_have_value("Hello Jane,\n\nyour refund is on its way.")
    expect(macro).to_be_visible()
    expect(macro).to_contain_text("On send: status Pending · tags +refund")
    expect(macro.get_by_role("button", name="Send without the template's macro")).to_be_visible()
    # The draft keeps the template: a reload still says what the macro will do.
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")
    page.reload()
    expect(macro).to_contain_text("On send: status Pending · tags +refund")

    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text("Reply sent; the ticket is pending now.")
    expect(page.get_by_label("Status")).to_have_value("pending")
    expect(page.get_by_label("Tags")).to_have_value("refund")
    expect(page.locator("#template-macro")).to_be_hidden()

    sent = plain_text(relay.wait_for(2)[-1].message)
    assert "Hello Jane," in sent and "your refund is on its way." in sent
    assert TemplateUse.objects.filter(ticket=ticket, message__isnull=False).count() == 1


def test_then_set_wins_over_the_macro_and_x_leaves_the_macro_out(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent
) -> None:
    ticket = new_ticket(mailbox, sender="Jane Doe <jane@example.net>")
    template_create(
        actor=ann,
        name="Refund on its way",
        variants={"en": "Your refund is on its way."},
        actions={"status": "pending", "tags": ["refund"]},
    )
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")
    message = page.get_by_label("Message")
    message.click()
    message.press("Control+/")
    picker = page.get_by_role("dialog", name="Insert a template")
    picker.get_by_label("Find a template").press_sequentially("refund", delay=50)
    expect(picker.locator("#template-preview")).to_contain_text("Your refund")
    picker.get_by_label("Find a template").press("Enter")
    macro = page.locator("#template-macro")
    expect(macro).to_contain_text("On send: status Pending · tags +refund")

    page.get_by_label("Then set").select_option("solved")
    expect(macro).to_contain_text(
        "status Pending (not applied: your “Then set Solved” wins) · tags +refund"
    )
    macro.get_by_role("button", name="Send without the template's macro").click()
    expect(macro).to_contain_text("Not applied: the macro of “Refund on its way”.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text("Reply sent; the ticket is solved now.")
    expect(page.get_by_label("Tags")).to_have_value("")
    assert TemplateUse.objects.filter(ticket=ticket).count() == 1
