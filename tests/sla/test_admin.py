"""Admins manage calendars and policies in the admin; a bad calendar is refused with why."""

from __future__ import annotations

from typing import Any

from django.test import Client

from caredesk.sla.admin import CalendarForm, PolicyForm
from caredesk.sla.models import Calendar, SlaPolicy


def _calendar(**fields: Any) -> dict[str, Any]:
    data = {
        "name": "Support desk",
        "timezone": "Europe/Berlin",
        "weekly_hours": '{"0": [["09:00", "17:00"]]}',
        "closed_days": "[]",
        "special_days": "{}",
        "country": "",
        "subdivision": "",
    }
    return {**data, **fields}


def test_a_valid_calendar_saves(db: None) -> None:
    form = CalendarForm(data=_calendar(weekly_hours='{"4": [["22:00", "06:00"]]}'))
    assert form.is_valid(), form.errors
    assert form.save().weekly_hours == {"4": [["22:00", "06:00"]]}


def test_invalid_calendars_are_refused_with_the_reason(db: None) -> None:
    cases = {
        "timezone": ("Mars/Olympus", "Mars/Olympus"),
        "weekly_hours": ('{"7": [["09:00", "17:00"]]}', "weekday"),
        "closed_days": ('["24 December"]', "2026-12-24"),
        "country": ("XX", "XX"),
    }
    for field, (value, says) in cases.items():
        form = CalendarForm(data=_calendar(**{field: value}))
        assert not form.is_valid(), field
        assert says in str(form.errors), (field, form.errors)
    assert not Calendar.objects.filter(name="Support desk").exists()


def test_policy_priorities_and_warning_share_are_checked(db: None) -> None:
    form = PolicyForm(
        data={
            "name": "Odd",
            "position": 1,
            "active": True,
            "match_priorities": '["burning"]',
            "match_categories": "[]",
            "match_tags": "[]",
            "match_tiers": "[]",
            "warn_at_percent": 120,
        }
    )
    assert not form.is_valid()
    assert "priorities are a list of" in str(form.errors)
    assert "1 to 99" in str(form.errors)
    assert not SlaPolicy.objects.filter(name="Odd").exists()


def test_admin_pages_open(admin_client: Client) -> None:
    for path in ("/admin/sla/calendar/", "/admin/sla/slapolicy/", "/admin/sla/slapolicy/add/"):
        assert admin_client.get(path).status_code == 200, path
