"""Password reset by email: the same answer for every address, limits per address and per IP,
links that work once and expire, new passwords checked, other sessions signed out; and the whole
flow in a real browser, the email read from a real SMTP relay."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.models import Agent, PasswordResetRequest
from caredesk.accounts.services import agent_create
from caredesk.core import clock
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.transports import DeliveryError, MemoryTransport
from caredesk.workspace.passwords import password_reset_email_send, password_reset_requests_purge
from tests.conftest import free_port
from tests.mail import SmtpSink
from tests.workspace.test_screens import look

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new stable"
LINK = re.compile(r"https?://\S+/password/reset/\S+")


@pytest.fixture
def ann(db: None) -> Agent:
    return agent_create(email="ann@example.com", name="Ann Agent", role="agent", password=PASSWORD)


@pytest.fixture(autouse=True)
def public_url(settings: Settings) -> None:
    settings.CAREDESK_PUBLIC_URL = "http://testserver"


@pytest.fixture
def ask(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> Callable[..., Any]:
    """Post the "forgot your password" form, running what waits for the commit (the job)."""

    def post(address: str, *, ip: str = "192.0.2.1", **extra: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/password/forgot", {"email": address}, REMOTE_ADDR=ip, **extra)

    return post


def sent_messages() -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(e.data, policy=email.policy.default) for e in MemoryTransport.sent
    ]


def link_in(message: email.message.EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = LINK.search(body.get_content())
    assert found, body.get_content()
    return found.group(0)


def path_of(link: str) -> str:
    return link.removeprefix("http://testserver")


def choose(client: Client, link: str, password: str, confirmation: str | None = None) -> Any:
    return client.post(
        path_of(link),
        {"password": password, "confirmation": password if confirmation is None else confirmation},
    )


def test_sign_in_page_offers_a_reset(client: Client, db: None) -> None:
    page = client.get("/sign-in").content.decode()
    assert 'href="/password/forgot"' in page and "Forgot your password?" in page
    form = client.get("/password/forgot").content.decode()
    assert '<label for="email">Email</label>' in form


def test_same_answer_whether_or_not_an_agent_has_the_address(
    client: Client, ann: Agent, ask: Callable[..., Any]
) -> None:
    gone = agent_create(email="gone@example.com", name="Gone", role="agent", password=PASSWORD)
    gone.is_active = False
    gone.save()
    agent_create(email="new@example.com", name="New", role="agent")  # no password yet

    answers = [ask(a) for a in ("nobody@example.com", "gone@example.com", "new@example.com")]
    known = ask("Ann@Example.com ")
    for answer in [*answers, known]:
        assert (answer.status_code, answer["Location"]) == (302, "/password/sent")
    page = client.get("/password/sent")
    assert "If that address belongs to an agent, we have sent a link" in page.content.decode()

    (message,) = sent_messages()  # inactive agents and agents without a password get nothing
    assert message["To"].addresses[0].addr_spec == "ann@example.com"
    assert MemoryTransport.sent[0].rcpt_to == ("ann@example.com",)
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_body(("plain",))
    assert body is not None
    assert "within 60 minutes" in body.get_content()
    assert link_in(message).startswith("http://testserver/password/reset/")
    assert PasswordResetRequest.objects.count() == 4


def test_a_malformed_address_is_refused_with_a_message(ask: Callable[..., Any]) -> None:
    for bad in ("", "not an address", "a@" + "b" * 300 + ".com"):
        response = ask(bad)
        assert response.status_code == 400
        assert "Enter the email address you sign in with." in response.content.decode()
    assert MemoryTransport.sent == [] and not PasswordResetRequest.objects.exists()


def test_at_most_three_emails_per_address_per_hour(ann: Agent, ask: Callable[..., Any]) -> None:
    with clock.frozen_at(datetime(2026, 11, 24, 9, 0, tzinfo=UTC)):
        for n in range(5):
            response = ask("ann@example.com", ip=f"192.0.2.{n}")
            assert (response.status_code, response["Location"]) == (302, "/password/sent")
        assert len(MemoryTransport.sent) == 3
        assert PasswordResetRequest.objects.filter(throttled=True).count() == 2
        # Unknown addresses are counted the same way, so the limit says nothing either.
        for _ in range(4):
            assert ask("nobody@example.com").status_code == 302
        assert PasswordResetRequest.objects.filter(throttled=True).count() == 3

        clock.advance(timedelta(minutes=61))
        ask("ann@example.com")
        assert len(MemoryTransport.sent) == 4


def test_one_ip_address_is_limited_whatever_the_addresses(
    ann: Agent, ask: Callable[..., Any]
) -> None:
    for n in range(15):
        assert ask(f"someone{n}@example.com", ip="198.51.100.7").status_code == 302
    refused = ask("ann@example.com", ip="198.51.100.7")
    assert refused.status_code == 429
    assert "Too many requests from your network. Try again in 60 minutes." in (
        refused.content.decode()
    )
    assert MemoryTransport.sent == []
    assert ask("ann@example.com", ip="198.51.100.8").status_code == 302
    assert len(MemoryTransport.sent) == 1


def test_a_link_works_once(client: Client, ann: Agent, ask: Callable[..., Any]) -> None:
    ask("ann@example.com")
    link = link_in(sent_messages()[0])

    form = client.get(path_of(link))
    assert form.status_code == 200
    page = form.content.decode()
    assert '<label for="password">New password</label>' in page
    assert '<label for="confirmation">New password again</label>' in page
    assert form["Cache-Control"].startswith("max-age=0")

    done = choose(client, link, NEW_PASSWORD)
    assert (done.status_code, done["Location"]) == (302, "/sign-in")
    assert "Your password has been changed" in client.get("/sign-in").content.decode()
    ann.refresh_from_db()
    assert ann.check_password(NEW_PASSWORD) and not ann.check_password(PASSWORD)

    for again in (client.get(path_of(link)), choose(client, link, "another fine password")):
        assert again.status_code == 400
        assert "This link no longer works" in again.content.decode()
        assert 'href="/password/forgot"' in again.content.decode()
    ann.refresh_from_db()
    assert ann.check_password(NEW_PASSWORD)

    wrong = client.post("/sign-in", {"email": "ann@example.com", "password": PASSWORD})
    assert wrong.status_code == 400
    right = client.post("/sign-in", {"email": "ann@example.com", "password": NEW_PASSWORD})
    assert right.status_code == 302


def test_a_link_expires_after_an_hour(client: Client, ann: Agent, ask: Callable[..., Any]) -> None:
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    with clock.frozen_at(start):
        ask("ann@example.com")
        link = link_in(sent_messages()[0])
        clock.advance(timedelta(minutes=59))
        assert client.get(path_of(link)).status_code == 200
        clock.advance(timedelta(minutes=2))
        expired = client.get(path_of(link))
        assert expired.status_code == 400 and "has expired" in expired.content.decode()
        assert choose(client, link, NEW_PASSWORD).status_code == 400
    ann.refresh_from_db()
    assert ann.check_password(PASSWORD)


def test_new_passwords_are_checked(client: Client, ann: Agent, ask: Callable[..., Any]) -> None:
    ask("ann@example.com")
    link = link_in(sent_messages()[0])

    cases = {
        "The two passwords do not match.": (NEW_PASSWORD, NEW_PASSWORD + "!"),
        "This password is too short.": ("short", "short"),
        "This password is too common.": ("password123", "password123"),
    }
    for message, (password, confirmation) in cases.items():
        response = choose(client, link, password, confirmation)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert 'role="alert"' in response.content.decode()
    empty = client.post(path_of(link), {})
    assert empty.status_code == 400
    ann.refresh_from_db()
    assert ann.check_password(PASSWORD)
    assert choose(client, link, NEW_PASSWORD).status_code == 302  # the link still works


def test_other_sessions_are_signed_out(client: Client, ann: Agent, ask: Callable[..., Any]) -> None:
    elsewhere = Client()
    elsewhere.force_login(ann)
    assert elsewhere.get("/").status_code == 200
    ask("ann@example.com")
    assert choose(client, link_in(sent_messages()[0]), NEW_PASSWORD).status_code == 302

    response = elsewhere.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in")
    assert SESSION_KEY not in client.session  # not signed in here either: they sign in anew


def test_a_reset_lifts_the_sign_in_throttle(
    client: Client, ann: Agent, ask: Callable[..., Any]
) -> None:
    for _ in range(5):
        client.post("/sign-in", {"email": "ann@example.com", "password": "guess"})
    ask("ann@example.com")
    choose(client, link_in(sent_messages()[0]), NEW_PASSWORD)
    signed_in = client.post("/sign-in", {"email": "ann@example.com", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_links_that_were_never_sent_are_refused_without_an_error(
    client: Client, ann: Agent
) -> None:
    for path in (
        "/password/reset/MQ/abc-def",
        "/password/reset/%%%/1-2",
        "/password/reset/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5/x-y",  # a huge id
        "/password/reset/YWJj/x-y",  # "abc"
        "/password/reset/_w/x-y",  # not UTF-8
    ):
        assert client.get(path).status_code == 400, path
        assert client.post(path, {"password": "x", "confirmation": "x"}).status_code == 400


def test_links_never_follow_the_host_header(
    settings: Settings, ann: Agent, ask: Callable[..., Any]
) -> None:
    # With ALLOWED_HOSTS=* and no public URL, the Host header is the asker's to choose.
    settings.CAREDESK_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["*"]
    refused = ask("ann@example.com", HTTP_HOST="evil.example")
    assert refused.status_code == 503
    assert "not set up on this server" in refused.content.decode()
    assert MemoryTransport.sent == []

    settings.CAREDESK_PUBLIC_URL = "https://desk.example.com"
    ask("ann@example.com", HTTP_HOST="evil.example")
    assert link_in(sent_messages()[0]).startswith("https://desk.example.com/password/reset/")

    # Host names listed in ALLOWED_HOSTS: Django has checked the header, so it may be used.
    settings.CAREDESK_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["desk.internal"]
    assert ask("ann@example.com", HTTP_HOST="evil.example").status_code == 400
    ask("ann@example.com", HTTP_HOST="desk.internal")
    assert link_in(sent_messages()[1]).startswith("http://desk.internal/password/reset/")


def test_the_sender_is_the_system_address_or_the_first_mailbox(
    settings: Settings, ann: Agent, mailbox: Mailbox, ask: Callable[..., Any]
) -> None:
    ask("ann@example.com")
    settings.CAREDESK_SYSTEM_FROM = "no-reply@desk.example.com"
    ask("ann@example.com")
    first, second = MemoryTransport.sent
    assert first.mail_from == "support@example.com"
    assert second.mail_from == "no-reply@desk.example.com"


def test_old_requests_are_purged(ann: Agent, ask: Callable[..., Any]) -> None:
    with clock.frozen_at(datetime(2026, 10, 1, tzinfo=UTC)):
        ask("ann@example.com")
    ask("ann@example.com")
    assert password_reset_requests_purge() == 1
    assert PasswordResetRequest.objects.count() == 1


def test_admins_see_reset_requests_read_only(
    admin_client: Client, ann: Agent, ask: Callable[..., Any]
) -> None:
    ask("ann@example.com", ip="203.0.113.9")
    page = admin_client.get("/admin/accounts/passwordresetrequest/")
    assert page.status_code == 200
    assert "ann@example.com" in page.content.decode() and "203.0.113.9" in page.content.decode()
    assert admin_client.get("/admin/accounts/passwordresetrequest/add/").status_code == 403


def test_a_relay_that_refuses_gets_no_retry_and_one_that_is_down_does(
    settings: Settings, ann: Agent, relay: SmtpSink
) -> None:
    relay.handler.refuse["ann@example.com"] = "550 5.1.1 no such user"
    assert password_reset_email_send(address="ann@example.com", base_url="http://x") is False
    settings.CAREDESK_SMTP_RELAY = f"smtp://127.0.0.1:{free_port()}"
    with pytest.raises(DeliveryError):  # the job raises, so the worker tries again
        password_reset_email_send(address="ann@example.com", base_url="http://x")


@pytest.mark.django_db(transaction=True)
def test_reset_in_a_browser_with_the_email_from_the_relay(
    page: Page, live_server: LiveServer, ann: Agent, relay: SmtpSink, settings: Settings
) -> None:
    settings.CAREDESK_PUBLIC_URL = live_server.url
    base = live_server.url
    page.goto(base + "/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    look(page, "password-forgot")
    page.get_by_label("Email").fill("ann@example.com")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If that address belongs to an agent")

    (received,) = relay.wait_for(1)
    assert received.rcpt_tos == ["ann@example.com"]
    link = link_in(received.message)
    assert link.startswith(base + "/password/reset/")

    page.goto(link)
    look(page, "password-reset")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD + "?")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("alert")).to_contain_text("The two passwords do not match.")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password has been changed")

    page.get_by_label("Email").fill("ann@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Mine")).to_be_visible()

    page.goto(link)  # used: it says so, and offers a new one
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()
