"""Signing in, in a real browser typed at human speed, while an outsider guesses the password
from the same network: the agent's known browser still gets in, a fresh one does not."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
EMAIL = "sue@example.com"


def _type_sign_in(page: Page, base: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("Email").press_sequentially(EMAIL, delay=40)
    page.get_by_label("Password").press_sequentially(PASSWORD, delay=40)
    page.get_by_role("button", name="Sign in").click()


def test_known_browser_signs_in_through_an_outsiders_guessing(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    agent_create(email=EMAIL, name="Sue", role="supervisor", password=PASSWORD)
    _type_sign_in(page, live_server.url)
    expect(page.get_by_role("heading", name="Mine")).to_be_visible()
    page.context.clear_cookies(name="sessionid")  # signed out; the device cookie stays
    page.goto(live_server.url + "/")
    expect(page).to_have_url(f"{live_server.url}/sign-in?next=/")

    outsider = Client()  # the browser's own address: loopback
    for _ in range(5):
        outsider.post("/sign-in", {"email": EMAIL, "password": "guess"}, REMOTE_ADDR="127.0.0.1")

    fresh = browser.new_context()
    try:
        other = fresh.new_page()
        _type_sign_in(other, live_server.url)
        expect(other.get_by_text("Too many failed attempts")).to_be_visible()
    finally:
        fresh.close()

    _type_sign_in(page, live_server.url)
    expect(page.get_by_role("heading", name="Mine")).to_be_visible()
