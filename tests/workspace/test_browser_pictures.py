"""Pictures sent by customers show on the message (and open in the browser) with their real
type and guard headers; SVG, and anything whose bytes are not the picture it claims to be,
stays a download."""

from __future__ import annotations

import struct
import zlib
from email.message import EmailMessage

import pytest
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Attachment, Ticket
from tests.conftest import deliver, ticket_of
from tests.workspace.browser import PASSWORD, sign_in


def png(width: int = 3, height: int = 2) -> bytes:
    """A real PNG, red pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
FAKE = b"<html><script>alert(document.cookie)</script></html>"


def _ticket_with_files(mailbox: Mailbox) -> Ticket:
    msg = EmailMessage()
    msg["From"] = "Jane Doe <jane@example.net>"
    msg["To"] = "support@example.com"
    msg["Subject"] = "The parcel arrived broken"
    msg["Message-ID"] = "<pictures@example.net>"
    msg.set_content("Photos attached.")
    msg.add_attachment(png(), maintype="image", subtype="png", filename="box.png")
    msg.add_attachment(SVG, maintype="image", subtype="svg+xml", filename="logo.svg")
    msg.add_attachment(FAKE, maintype="image", subtype="png", filename="not-a-picture.png")
    return ticket_of(deliver(msg.as_bytes(), mailbox))


def _attachment(ticket: Ticket, name: str) -> Attachment:
    return Attachment.objects.get(message__ticket=ticket, filename=name)


@pytest.mark.django_db
def test_a_picture_is_served_as_itself_and_the_rest_as_downloads(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    ticket = _ticket_with_files(mailbox)
    client.force_login(ann)

    picture = client.get(f"/attachments/{_attachment(ticket, 'box.png').pk}")
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/png"
    assert picture["Content-Disposition"].startswith("inline;")
    assert picture["X-Content-Type-Options"] == "nosniff"
    assert picture["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(picture.streaming_content) == png()  # type: ignore[attr-defined]

    asked = client.get(f"/attachments/{_attachment(ticket, 'box.png').pk}?download")
    assert asked["Content-Type"] == "application/octet-stream"
    assert asked["Content-Disposition"].startswith("attachment;")

    for name in ("logo.svg", "not-a-picture.png"):
        response = client.get(f"/attachments/{_attachment(ticket, name).pk}")
        assert response["Content-Type"] == "application/octet-stream", name
        assert response["Content-Disposition"].startswith("attachment;"), name
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.django_db(transaction=True)
def test_pictures_show_on_the_message(
    page: Page, live_server: LiveServer, mailbox: Mailbox
) -> None:
    agent_create(email="ann@example.com", name="Ann Agent", role="admin", password=PASSWORD)
    ticket = _ticket_with_files(mailbox)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}")

    thumbnail = page.get_by_role("img", name="box.png")
    expect(thumbnail).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelector('img[alt=\"box.png\"]');"
        " return i && i.complete && i.naturalWidth === 3; }"
    )
    entry = page.locator(".entry.customer")
    figure = entry.locator("figure", has_text="box.png")
    expect(figure.get_by_role("link", name="Download", exact=True)).to_have_attribute(
        "href", f"/attachments/{_attachment(ticket, 'box.png').pk}?download"
    )
    # A file that only claims to be a picture is not drawn (its bytes are served as a
    # download); its name and download link stay.
    fake = entry.locator("figure", has_text="not-a-picture.png")
    expect(fake.get_by_role("img")).to_be_hidden()
    expect(fake.get_by_role("link", name="Download", exact=True)).to_be_visible()
    # The SVG is listed as a file to download, never drawn.
    expect(page.get_by_role("img", name="logo.svg")).to_have_count(0)
    expect(entry.get_by_role("link", name="logo.svg")).to_be_visible()

    with page.expect_popup() as opened:
        thumbnail.click()
    shown = opened.value
    shown.wait_for_load_state()
    assert shown.evaluate("document.contentType") == "image/png"
