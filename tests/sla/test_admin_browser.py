"""An admin fills a calendar's weekly hours in the real admin page, in Chromium, typing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from caredesk.accounts.services import agent_create
from caredesk.sla.book import calendar_build
from caredesk.sla.models import Calendar
from tests.workspace.browser import PASSWORD, sign_in
from tests.workspace.conftest import browser_type_launch_args  # noqa: F401  (Debian's Chromium)

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_types_the_weekly_hours_and_saves(page: Page, live_server: LiveServer) -> None:
    agent_create(email="ann@example.com", name="Ann Admin", role="admin", password=PASSWORD)
    page.goto(f"{live_server.url}/admin/login/")  # the admin signs in through the workspace
    expect(page).to_have_url(f"{live_server.url}/sign-in?next=%2Fadmin%2F")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/sla/calendar/add/")

    page.get_by_label("Name").press_sequentially("Berlin desk", delay=50)
    page.get_by_label("Timezone").select_option("Europe/Berlin")
    # Monday's two ranges, moving through the grid with Tab as a person does: opens, closes,
    # "past midnight", the next range's opens...
    page.get_by_label("Monday: opens (range 1)").click()
    for label, text in [
        ("Monday: opens (range 1)", "08:00"),
        ("Monday: closes (range 1)", "12:00"),
        ("Monday: range 1 runs past midnight", None),
        ("Monday: opens (range 2)", "13:00"),
        ("Monday: closes (range 2)", "17:00"),
    ]:
        field = page.get_by_label(label)
        expect(field).to_be_focused()
        if text is not None:
            field.press_sequentially(text, delay=50)
        page.keyboard.press("Tab")

    # A third range for Monday, added by the page's own script.
    page.locator("tr", has_text="Monday").get_by_role("button", name="Add a range").click()
    third = page.get_by_label("Monday: opens (range 3)")
    expect(third).to_be_focused()
    third.press_sequentially("18:00", delay=50)
    page.keyboard.press("Tab")
    page.get_by_label("Monday: closes (range 3)").press_sequentially("20:00", delay=50)

    # A night shift on Friday, saved first without saying it runs past midnight.
    page.get_by_label("Friday: opens (range 1)").press_sequentially("22:00", delay=50)
    page.keyboard.press("Tab")
    page.get_by_label("Friday: closes (range 1)").press_sequentially("06:00", delay=50)
    page.get_by_label("Public holidays of").select_option("DE")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".errorlist")).to_contain_text(
        "Friday: the end 06:00 is before the start 22:00 (tick “past midnight”"
    )
    expect(page.get_by_label("Monday: opens (range 3)")).to_have_value("18:00")  # kept
    page.get_by_label("Friday: range 1 runs past midnight").check()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    row = Calendar.objects.get(name="Berlin desk")
    assert row.weekly_hours == {
        "0": [["08:00", "12:00"], ["13:00", "17:00"], ["18:00", "20:00"]],
        "4": [["22:00", "06:00"]],
    }
    assert row.country == "DE"
    calendar_build(row)  # the SLA code reads it
