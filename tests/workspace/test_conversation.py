"""The ticket page's timeline and customer HTML: events between messages in order, HTML behind
a sandboxed frame whose remote images load only when the agent asks for them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC
from email.message import EmailMessage
from email.utils import make_msgid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail
from caredesk.outbound.services import outbound_deliver
from caredesk.tickets.models import Ticket
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.services import ticket_assign, ticket_set_status
from caredesk.workspace.conversation import timeline
from tests.api.support import new_ticket
from tests.conftest import deliver, ticket_of
from tests.mail import SmtpSink
from tests.workspace.browser import sign_in

PASSWORD = "correct horse battery"
# A 1×1 PNG.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def html_email(*, remote: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Jane Doe <jane@example.net>"
    msg["To"] = "support@example.com"
    msg["Subject"] = "Newsletter-style question"
    msg["Message-ID"] = make_msgid(domain="example.net")
    msg.set_content("Hello, see the picture.\n")
    msg.add_alternative(
        f'<p>Hello, see <img alt="tracker" src="{remote}"> and '
        '<img alt="logo" src="cid:logo@example.net"></p>',
        subtype="html",
    )
    html_part = msg.get_payload(1)
    assert isinstance(html_part, EmailMessage)
    html_part.add_related(PIXEL, "image", "png", cid="<logo@example.net>", filename="logo.png")
    return msg.as_bytes()


def test_timeline_puts_events_between_messages_in_order(
    client: Client, mailbox: Mailbox, relay: SmtpSink
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    ticket = new_ticket(mailbox, subject="Broken", body="It is broken.")
    ticket_assign(ticket=ticket, agent=ann, actor=ann)
    relay.handler.refuse["jane@example.net"] = "550 5.1.1 No such user"
    ticket_reply(ticket=ticket, author=ann, text="Try turning it off and on.")
    reply = OutboundEmail.objects.get(kind="reply")
    assert outbound_deliver(outbound_id=reply.pk) == "failed"  # as the worker would
    ticket_set_status(ticket=ticket, status="solved", actor=ann)

    entries = timeline(Ticket.objects.get(pk=ticket.pk), zone=UTC)
    told = [e.message.kind if e.message else e.summary for e in entries]
    assert told[0] == "customer"
    assert "Ann assigned it to Ann" in told
    assert told.index("Ann assigned it to Ann") < told.index("reply")
    assert told[-1] == "Ann changed the status from Open to Solved"
    failed = [t for t in told if t.startswith("An email could not be delivered")]
    assert len(failed) == 1 and "550 5.1.1 No such user" in failed[0]
    assert told.index(failed[0]) > told.index("reply")
    assert not any("sla" in t.lower() for t in told if t != "customer")  # bookkeeping stays out

    client.force_login(ann)
    page = client.get(f"/tickets/{ticket.pk}").content.decode()
    # The history does not repeat the address (the message's delivery line shows it).
    said = "An email could not be delivered after 1 attempt: [address]: 550 5.1.1 No such user"
    assert said in page
    assert "jane@example.net" not in "".join(t for t in told if t != "customer")


def test_customer_html_is_served_with_remote_images_blocked(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    row = deliver(html_email(remote="https://tracker.example/p.png"), mailbox)
    message = ticket_of(row).messages.get(kind="customer")
    url = f"/messages/{message.pk}/html"
    assert client.get(url).status_code == 302
    client.force_login(ann)

    response = client.get(url)
    body = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data:;" in policy and "default-src 'none'" in policy
    assert "https:" not in policy
    logo = message.attachments.get(filename="logo.png")
    assert f'src="/attachments/{logo.pk}"' in body  # the picture inside the email
    assert 'src="https://tracker.example/p.png"' in body  # kept, but the policy blocks it
    assert response["Referrer-Policy"] == "no-referrer"

    allowed = client.get(url + "?images=1")["Content-Security-Policy"]
    assert "img-src 'self' data: https: http:;" in allowed
    text_only = new_ticket(mailbox, sender="x@example.org").messages.get(kind="customer")
    assert client.get(f"/messages/{text_only.pk}/html").status_code == 404


class Tracker(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        Tracker.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PIXEL)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def tracker() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Tracker)
    Tracker.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.django_db(transaction=True)
def test_remote_images_load_only_when_the_agent_asks(
    page: Page, live_server: LiveServer, mailbox: Mailbox, tracker: str
) -> None:
    agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    row = deliver(html_email(remote=f"{tracker}/pixel.png?who=jane"), mailbox)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{row.ticket_id}")

    page.get_by_text("Show as formatted").click()
    frame = page.frame_locator("iframe.html")
    expect(frame.locator("p")).to_contain_text("Hello, see")
    logo = frame.get_by_alt_text("logo")
    expect(logo).to_have_js_property("naturalWidth", 1)  # the inline picture shows
    page.wait_for_timeout(500)
    assert Tracker.hits == []  # the sender has not learnt the email was opened

    page.get_by_role("link", name="Show remote images").click()
    expect(frame.get_by_alt_text("tracker")).to_have_js_property("naturalWidth", 1)
    assert Tracker.hits == ["/pixel.png?who=jane"]
