"""What "Forgot your password?" tells an agent when caredesk sends no email or cannot build
reset links: where the email lands, or what an admin runs."""

from __future__ import annotations

from django.test import Client
from pytest_django import Settings


def test_without_a_safe_link_address_it_names_the_command(
    client: Client, db: None, settings: Settings
) -> None:
    settings.CAREDESK_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["*"]
    page = client.get("/password/forgot").content.decode()
    assert "not set up on this server" in page
    assert "<code>caredesk agent password</code>" in page


def test_without_a_relay_it_says_the_email_is_in_the_outbox(
    client: Client, db: None, settings: Settings
) -> None:
    settings.CAREDESK_PUBLIC_URL = "http://127.0.0.1:8000"
    settings.CAREDESK_OUTBOUND_TRANSPORT = "caredesk.outbound.transports.MaildirTransport"
    page = client.get("/password/forgot").content.decode()
    assert "<code>outbox</code> folder in caredesk's data folder" in page
    sent = client.get("/password/sent").content.decode()
    assert "<code>outbox</code> folder" in sent


def test_with_a_relay_nothing_is_said_about_an_outbox(
    client: Client, db: None, settings: Settings
) -> None:
    settings.CAREDESK_PUBLIC_URL = "http://127.0.0.1:8000"
    page = client.get("/password/forgot").content.decode()  # tests: the memory transport
    assert "outbox" not in page
