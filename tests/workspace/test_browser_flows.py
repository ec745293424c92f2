"""The workspace in a real browser: sign in, triage an email that arrived over SMTP, assign it,
reply (delivered to the SMTP relay), add a note, solve; a hostile email never runs script."""

from __future__ import annotations

import smtplib

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from tests.conftest import wait_until
from tests.mail import SmtpSink, make_email, plain_text
from tests.workspace.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


@pytest.fixture
def ann(db: None) -> Agent:
    return agent_create(email="ann@example.com", name="Ann Agent", role="agent", password=PASSWORD)


def test_triage_reply_note_and_solve_an_email_from_smtp(
    page: Page,
    live_server: LiveServer,
    mailbox: Mailbox,
    ann: Agent,
    smtp_intake: tuple[str, int],
    relay: SmtpSink,
) -> None:
    with smtplib.SMTP(*smtp_intake) as smtp:
        smtp.sendmail(
            "jane@example.net",
            ["support@example.com"],
            make_email(subject="Refund please", body="I was charged twice for order 1234.\n"),
        )
    assert wait_until(lambda: Ticket.objects.exists())
    ticket = Ticket.objects.get()
    relay.wait_for(1)  # the acknowledgement

    page.goto(live_server.url + "/")
    expect(page).to_have_url(f"{live_server.url}/sign-in?next=/")  # signing in comes first
    sign_in(page, live_server.url)
    page.get_by_role("link", name="Unassigned").click()
    row = page.locator(f"tr[data-ticket='{ticket.pk}']")
    expect(row).to_contain_text("Refund please")
    expect(row).to_contain_text("Urgent")  # "charged twice"
    row.get_by_role("link").click()

    expect(page.get_by_role("heading", name=f"#{ticket.pk} Refund please")).to_be_visible()
    expect(page.locator(".entry.customer")).to_contain_text("charged twice for order 1234")
    page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_role("status")).to_contain_text("Assigned to Ann Agent")

    page.get_by_label("Message").fill("Sorry about that, Jane. The second charge is refunded.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Reply sent")
    (_, reply) = relay.wait_for(2)
    assert reply.message["To"] == "jane@example.net"
    assert "second charge is refunded" in plain_text(reply.message)

    page.get_by_label("Internal note").check()
    page.get_by_label("Message").fill("Refund issued in the billing tool.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".entry.note")).to_contain_text("Refund issued in the billing tool.")

    page.get_by_label("Status").select_option("solved")
    page.get_by_role("button", name="Set status").click()
    expect(page.get_by_role("status")).to_contain_text("Status: solved")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == ("solved", ann)
    assert len(relay.received) == 2  # the note was never emailed


def test_a_hostile_email_never_runs_script(
    page: Page, live_server: LiveServer, mailbox: Mailbox, ann: Agent
) -> None:
    from tests.conftest import deliver

    hostile = "<script>window.__owned = 1</script><img src=x onerror='window.__owned = 2'>"
    row = deliver(make_email(subject=f"Hi {hostile}", body=f"Look: {hostile}\n"), mailbox)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{row.ticket_id}")
    expect(page.locator(".entry.customer")).to_contain_text("<script>window.__owned = 1</script>")
    assert page.evaluate("window.__owned") is None
    page.goto(f"{live_server.url}/inbox/open")
    expect(page.locator(f"tr[data-ticket='{row.ticket_id}']")).to_contain_text("<script>")
    assert page.evaluate("window.__owned") is None
