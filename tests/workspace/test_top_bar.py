"""The top bar: the user menu is the person (name and role, their profile, signing out), the
admin is a clearly labelled link for those the access policy lets in, and every page has an
icon (and /favicon.ico answers)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from caredesk.accounts.services import agent_create

PASSWORD = "correct horse battery"


def _menu(html: str) -> str:
    found = re.search(r'<details class="user-menu">(.*?)</details>', html, re.S)
    assert found, "no user menu"
    return found.group(1)


@pytest.mark.parametrize(
    ("role", "shown", "admin_link"),
    [("admin", "Admin", True), ("supervisor", "Supervisor", True), ("agent", "Agent", False)],
)
def test_the_user_menu_is_the_person_and_offers_the_admin_to_admins_and_supervisors(
    client: Client, db: None, role: str, shown: str, admin_link: bool
) -> None:
    who = agent_create(email="x@example.com", name="Ada Lovelace", role=role, password=PASSWORD)
    client.force_login(who)
    menu = _menu(client.get("/inbox/open").content.decode())
    assert f'<span class="who">Ada Lovelace</span> <span class="role">{shown}</span>' in menu
    assert '<a href="/profile">Profile</a>' in menu
    assert ">Sign out</button>" in menu
    assert ('<a href="/admin/">Settings (admin)</a>' in menu) is admin_link
    # The admin agrees with the link: only those it offers it to get in (supervisors, for the
    # glossary).
    assert (client.get("/admin/").status_code == 200) is admin_link


def test_every_page_has_an_icon_and_favicon_ico_answers(client: Client, db: None) -> None:
    page = client.get("/sign-in").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert icon and icon.group(1) == "/static/workspace/favicon.svg"
    assert finders.find("workspace/favicon.svg")
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"] == "/static/workspace/favicon.svg"
