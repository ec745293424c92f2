"""Sign-in throttling by source: an outsider's wrong passwords slow or block the outsider, never
the real agent on their known device or from another address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from pytest_django import Settings

from caredesk.accounts.services import agent_create
from caredesk.core import clock
from caredesk.workspace.signin import DEVICE_COOKIE

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
EMAIL = "sup@example.com"
A, B, C = "203.0.113.7", "198.51.100.20", "192.0.2.55"


@pytest.fixture(autouse=True)
def _supervisor(db: None) -> None:
    agent_create(email=EMAIL, name="Sue", role="supervisor", password=PASSWORD)


def _try(client: Client, ip: str, password: str, email: str = EMAIL) -> tuple[int, str]:
    response = client.post("/sign-in", {"email": email, "password": password}, REMOTE_ADDR=ip)
    return response.status_code, response.content.decode()


def _fail(client: Client, ip: str, times: int, email: str = EMAIL) -> None:
    for _ in range(times):
        assert _try(client, ip, "guess", email)[0] == 400


def test_five_wrong_from_one_address_leave_the_agent_working_from_another() -> None:
    _fail(Client(), A, 5)
    status, page = _try(Client(), A, PASSWORD)
    assert status == 400 and "Too many failed attempts" in page  # A is refused for the account
    assert _try(Client(), B, PASSWORD)[0] == 302  # the real supervisor, elsewhere


def test_a_known_device_keeps_working_from_the_attackers_address() -> None:
    browser = Client()
    assert _try(browser, A, PASSWORD)[0] == 302
    assert DEVICE_COOKIE in browser.cookies
    browser.post("/sign-out")
    _fail(Client(), A, 5)  # an outsider behind the same address
    assert _try(browser, A, PASSWORD)[0] == 302
    assert _try(Client(), A, PASSWORD)[0] == 400  # a browser without the cookie stays refused


def test_a_forged_or_foreign_device_cookie_counts_for_nothing() -> None:
    agent_create(email="other@example.com", name="O", role="agent", password=PASSWORD)
    theirs = Client()
    assert _try(theirs, C, PASSWORD, "other@example.com")[0] == 302
    _fail(Client(), A, 5)
    theirs.cookies[DEVICE_COOKIE] = theirs.cookies[DEVICE_COOKIE].value  # a valid cookie...
    assert _try(theirs, A, PASSWORD)[0] == 400  # ...of another agent's browser
    forged = Client()
    forged.cookies[DEVICE_COOKIE] = "1:made-up"  # unsigned
    assert _try(forged, A, PASSWORD)[0] == 400


def test_many_wrong_from_one_address_block_that_address_for_every_account() -> None:
    for n in range(25):
        _try(Client(), A, "guess", f"u{n}@example.com")
    status, page = _try(Client(), A, PASSWORD)
    assert status == 400 and "from your network" in page
    assert _try(Client(), B, PASSWORD)[0] == 302


def test_the_account_wide_limit_only_slows_unknown_sources(settings: Settings) -> None:
    settings.CAREDESK_SIGNIN_SLOW_SECONDS = 10
    known = Client()
    assert _try(known, C, PASSWORD)[0] == 302  # C has signed in to the account before
    known.post("/sign-out")
    start = clock.now()
    with clock.frozen_at(start):
        for n in range(25):  # an outsider spread over 25 addresses
            _fail(Client(), f"10.0.0.{n + 1}", 1)
        status, page = _try(Client(), B, PASSWORD)
        assert status == 400 and "Try again in 10 seconds" in page  # slowed, not locked
        assert _try(Client(), C, PASSWORD)[0] == 302  # a known address is not slowed
        clock.advance(timedelta(seconds=11))
        assert _try(Client(), B, PASSWORD)[0] == 302


def test_the_refusal_ends_with_the_window() -> None:
    start = clock.now()
    with clock.frozen_at(start):
        _fail(Client(), A, 5)
        assert _try(Client(), A, PASSWORD)[0] == 400
        clock.advance(timedelta(minutes=16))
        assert _try(Client(), A, PASSWORD)[0] == 302


def test_a_known_device_guessing_is_refused_too() -> None:
    browser = Client()
    assert _try(browser, A, PASSWORD)[0] == 302
    browser.post("/sign-out")
    _fail(browser, B, 5)  # the cookie's own failures
    assert _try(browser, B, PASSWORD)[0] == 400
