"""An admin rewrites a mailbox's French acknowledgement in the real admin page, in Chromium,
typing; the next French customer's email is acknowledged with it, at a real SMTP relay."""

from __future__ import annotations

import re
import smtplib

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.system_emails.models import SystemEmail
from tests.conftest import eml
from tests.mail import SmtpSink, plain_text
from tests.sla.conftest import only_calendar, only_policy
from tests.workspace.browser import PASSWORD, sign_in
from tests.workspace.conftest import browser_type_launch_args  # noqa: F401  (Debian's Chromium)

pytestmark = pytest.mark.django_db(transaction=True)

TYPED = (
    "Bonjour {{ customer.first_name }},\n\n"
    "Bien reçu : votre demande porte le numéro {{ ticket.reference }}.\n"
    "Nous vous répondrons {{ ticket.promised_reply }}.\n\n"
    "L'équipe {{ mailbox.name }}"
)


def test_an_admin_edits_the_french_acknowledgement_and_the_next_customer_reads_it(
    page: Page,
    live_server: LiveServer,
    mailbox: Mailbox,
    smtp_intake: tuple[str, int],
    relay: SmtpSink,
) -> None:
    only_calendar(always_open=True)
    only_policy(first_reply_minutes=60)
    agent_create(email="ann@example.com", name="Ann Admin", role="admin", password=PASSWORD)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/system_emails/systememail/")
    page.get_by_label(
        "Override Acknowledgement of a new ticket for support@example.com in French (fr)"
    ).click()

    # Prefilled with the shipped French text, which stays in view while the admin types.
    body = page.get_by_role("textbox", name="Text:")
    expect(body).to_have_value(re.compile(r"^Bonjour \{\{ customer\.name \}\},"))
    expect(page.get_by_label("Shipped text", exact=True)).to_contain_text("Merci d'avoir écrit à")
    expect(page.get_by_role("combobox", name="Language:")).to_have_value("fr")
    body.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    body.press_sequentially(TYPED, delay=45)
    # The preview follows the typing, for an example French customer.
    preview = page.get_by_label("Preview text")
    expect(preview).to_contain_text("Bonjour Marie,")
    expect(preview).to_contain_text("porte le numéro #1042.")
    expect(preview).to_contain_text("L'équipe Example Support")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    saved = SystemEmail.objects.get()
    assert (saved.mailbox_id, saved.language) == (mailbox.pk, "fr")
    assert saved.body == TYPED

    # The list now says this one is overridden.
    expect(
        page.get_by_label(
            "Edit Acknowledgement of a new ticket for support@example.com in French (fr)"
        )
    ).to_be_visible()

    with smtplib.SMTP(*smtp_intake) as client:
        client.sendmail(
            "camille.lefevre@example.net",
            ["support@example.com"],
            eml("french-new-ticket-quoted-printable.eml"),
        )
    (ack,) = relay.wait_for(1)
    text = plain_text(ack.message).replace("\r\n", "\n")
    assert re.fullmatch(
        r"Bonjour Camille,\n\n"
        r"Bien reçu : votre demande porte le numéro #\d+\.\n"
        r"Nous vous répondrons (aujourd'hui |demain )?avant \d\d:\d\d UTC\.\n\n"
        r"L'équipe Example Support\n",
        text,
    ), text
