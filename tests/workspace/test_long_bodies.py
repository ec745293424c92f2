"""A 30 MB body on the ticket page and in the admin: shown cut, whole one click away, the
original downloadable, and nothing of it for an agent who may not see the ticket."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import Settings

from caredesk.accounts.models import Team
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Message
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.services import ticket_set_properties
from tests.conftest import deliver, ticket_of
from tests.long_bodies import THIRTY_MB, long_email, long_text, whole_bodies_read

pytestmark = pytest.mark.django_db
MB = 1_000_000


def _signed_in(role: str, email: str, team: str | None = None) -> Client:
    client = Client()
    client.force_login(agent_create(email=email, name=email.split("@")[0], role=role, team=team))
    return client


def test_a_30_mb_body_is_cut_on_the_page_and_in_the_admin(mailbox: Mailbox) -> None:
    raw = long_email(text=long_text(THIRTY_MB))
    row = deliver(raw, mailbox)
    ticket = ticket_of(row)
    message = Message.objects.get(ticket=ticket, kind="customer")
    whole = message.text
    assert len(whole) > THIRTY_MB * 0.9  # stored whole, as received
    sue = _signed_in("supervisor", "sue@example.com")

    with CaptureQueriesContext(connection) as queries:
        page = sue.get(reverse("workspace:ticket", args=[ticket.pk]))
    assert page.status_code == 200
    assert len(page.content) < MB
    html = page.content.decode()
    assert f"({len(whole):,} characters); showing the first 100,000 characters." in html
    assert f"This message is {filesizeformat(len(whole.encode()))} (" in html  # its size
    text_url = reverse("workspace:message-text", args=[message.pk])
    original_url = reverse("workspace:message-original", args=[message.pk])
    assert f'href="{text_url}">Show all</a>' in html
    assert f'href="{original_url}">Download original</a>' in html
    assert whole[:1000].replace("'", "&#x27;") in html
    written = message.new_text  # clipped where the shown part ends, as Gmail does
    assert f"[Message clipped: {len(written) - 100_000:,} more characters]" in html
    assert whole_bodies_read(queries.captured_queries) == []  # the database did the cutting

    shown = sue.get(text_url)
    assert shown.status_code == 200
    assert shown["Content-Type"] == "text/plain; charset=utf-8"
    assert shown.content.decode("utf-8") == whole
    download = sue.get(original_url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="message-{message.pk}.eml"'
    assert download.content == raw

    root = _signed_in("admin", "root@example.com")
    with CaptureQueriesContext(connection) as queries:
        listed = root.get("/admin/tickets/message/")
        change = root.get(f"/admin/tickets/message/{message.pk}/change/")
    assert (listed.status_code, change.status_code) == (200, 200)
    assert len(listed.content) < MB and len(change.content) < MB
    assert whole_bodies_read(queries.captured_queries) == []
    said = change.content.decode()
    assert f"{len(whole):,} characters; the first 100,000 are shown." in said
    assert f'href="{text_url}">Show all</a>' in said
    assert f'href="{original_url}">Download original</a>' in said
    with CaptureQueriesContext(connection) as queries:
        intake = root.get(f"/admin/inbound/inboundmessage/{row.pk}/change/")
    assert whole_bodies_read(queries.captured_queries) == []  # nor for its link to the message
    assert intake.status_code == 200 and len(intake.content) < MB
    intake_url = reverse("workspace:intake-original", args=[row.pk])
    assert f'href="{intake_url}">Download</a>' in intake.content.decode()
    assert root.get(intake_url).content == raw


def test_a_short_message_is_whole_with_its_original_a_click_away(mailbox: Mailbox) -> None:
    ticket = ticket_of(deliver(long_email(text="Just one line.\n"), mailbox))
    message = Message.objects.get(ticket=ticket, kind="customer")
    page = _signed_in("supervisor", "sue@example.com").get(f"/tickets/{ticket.pk}").content
    assert b"showing the first" not in page
    assert b"Just one line." in page
    assert reverse("workspace:message-original", args=[message.pk]).encode() in page


def test_long_html_is_cut_into_well_formed_markup(mailbox: Mailbox, settings: Settings) -> None:
    settings.CAREDESK_BODY_SHOWN_CHARS = 1000
    markup = "<p>" + "<b>bold</b> and <i>italic</i> " * 200 + '<a href="https://x.example/">end</a>'
    ticket = ticket_of(deliver(long_email(text="Short text.\n", html=markup), mailbox))
    message = Message.objects.get(ticket=ticket, kind="customer")
    sue = _signed_in("supervisor", "sue@example.com")
    page = sue.get(f"/tickets/{ticket.pk}").content.decode()
    assert f"The formatted email is {len(message.html):,} characters; showing the first 1,000." in (
        page
    )
    assert "Short text." in page and "This message is" not in page  # the text is whole
    framed = sue.get(reverse("workspace:message-html", args=[message.pk])).content.decode()
    assert len(framed) < 1300
    assert "end</a>" not in framed  # cut before the end
    assert framed.count("<b>") == framed.count("</b>")  # every element the cut opened is closed
    assert framed.count("<i>") == framed.count("</i>")
    assert framed.endswith("</p>")


def test_who_may_not_see_the_ticket_gets_404_on_each_new_route(
    mailbox: Mailbox, settings: Settings
) -> None:
    settings.CAREDESK_BODY_SHOWN_CHARS = 100
    row = deliver(long_email(text=long_text(5000), html="<p>" + "long " * 100 + "</p>"), mailbox)
    ticket = ticket_of(row)
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor")
    ticket_set_properties(ticket=ticket, actor=sue, team=Team.objects.create(name="Technical"))
    message = Message.objects.get(ticket=ticket, kind="customer")
    reply = ticket_reply(ticket=ticket, author=sue, text="Thanks, looking at it.")
    routes = [
        reverse("workspace:message-text", args=[message.pk]),
        reverse("workspace:message-original", args=[message.pk]),
        reverse("workspace:message-html", args=[message.pk]),
    ]
    bill = _signed_in("agent", "bill@example.com", team="Billing")
    tina = _signed_in("agent", "tina@example.com", team="Technical")
    for url in routes:
        assert bill.get(url).status_code == 404, url
        assert b"Jane" not in bill.get(url).content and b"Line 0" not in bill.get(url).content
        assert tina.get(url).status_code == 200, url
    # The intake log is the admins', whoever sees the ticket.
    assert tina.get(reverse("workspace:intake-original", args=[row.pk])).status_code == 404
    # A reply caredesk wrote came from no email: it has no original.
    assert tina.get(reverse("workspace:message-original", args=[reply.pk])).status_code == 404
    assert tina.get(reverse("workspace:message-text", args=[reply.pk])).content == (
        b"Thanks, looking at it."
    )
    missing = reverse("workspace:message-text", args=[10**9])
    assert tina.get(missing).status_code == 404
