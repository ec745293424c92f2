"""What the browser tests share: signing an agent in through the sign-in page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery"
LANDING = re.compile(r"^(Mine|Unassigned)$")


def sign_in(
    page: Page, base: str, email: str = "ann@example.com", password: str = PASSWORD
) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # Signing in lands on the view with work in it: Mine, or Unassigned when only it has some.
    expect(page.get_by_role("heading", name=LANDING)).to_be_visible()
