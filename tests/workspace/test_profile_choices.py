"""The profile's time zone and language are chosen from real values, and anything else is
refused in words (400), with what was typed elsewhere in the form kept."""

from __future__ import annotations

import html
import re
import zoneinfo

import pytest
from django.conf import settings
from django.test import Client

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create

PASSWORD = "correct horse battery"
FORM = {
    "name": "Ann Agent",
    "signature": "Ann, Example Support",
    "language": "de",
    "time_zone": "Europe/Berlin",
    "availability": "online",
}


@pytest.fixture
def ann(db: None) -> Agent:
    return agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)


def _options(page: str, field: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select id="{field}" name="{field}">(.*?)</select>', page, re.S)
    assert select, page
    found = re.findall(r"<option(?: value=\"([^\"]*)\")?[^>]*>([^<]*)</option>", select.group(1))
    return [(value, label) for value, label in found]


def test_time_zone_and_language_are_lists_of_real_values(client: Client, ann: Agent) -> None:
    client.force_login(ann)
    page = client.get("/profile").content.decode()
    zones = [label for _, label in _options(page, "time_zone")]
    assert zones[0] == "UTC" and "Europe/Berlin" in zones and "Pacific/Auckland" in zones
    assert set(zones) <= zoneinfo.available_timezones()
    languages = [value for value, _ in _options(page, "language")]
    assert set(languages) == {code for code, _ in settings.LANGUAGES}
    assert ("de", "German (de)") in _options(page, "language")
    assert '<option value="en" selected>English (en)</option>' in page


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("language", "klingon", "'klingon' is not a language caredesk knows"),
        ("time_zone", "Mars/Olympus", "'Mars/Olympus' is not a time zone"),
        ("time_zone", "europe/berlin", "'europe/berlin' is not a time zone"),
    ],
)
def test_anything_else_is_refused_in_words(
    client: Client, ann: Agent, field: str, value: str, said: str
) -> None:
    client.force_login(ann)
    response = client.post("/profile", {**FORM, field: value})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert f"Profile not saved: {said}" in page
    assert "choose one from the list" in page
    assert 'value="Ann Agent"' in page  # the rest of the form as typed
    ann.refresh_from_db()
    assert (ann.name, ann.language, ann.time_zone) == ("Ann", "en", "UTC")


def test_a_saved_value_from_before_the_lists_is_shown_not_silently_replaced(
    client: Client, ann: Agent
) -> None:
    Agent.objects.filter(pk=ann.pk).update(language="klingon", time_zone="US/Eastern")
    client.force_login(ann)
    page = client.get("/profile").content.decode()
    assert '<option value="klingon" selected>klingon (not a language caredesk knows)' in page
    assert "<option selected>US/Eastern</option>" in page
    saved = client.post("/profile", {**FORM, "language": "fr", "time_zone": "US/Eastern"})
    assert saved.status_code == 302  # an old alias is still a real zone
    ann.refresh_from_db()
    assert (ann.language, ann.time_zone) == ("fr", "US/Eastern")
