"""Admins set calendars and SLA policies in the admin's pages as days, times and pickers,
POSTed as a browser sends the form; what is stored is the JSON the SLA code reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.accounts.models import Team
from caredesk.core import clock
from caredesk.customers.models import Organisation
from caredesk.mailboxes.models import Mailbox
from caredesk.sla.book import calendar_build, sla_book_load
from caredesk.sla.calendar import add_business_time, is_open
from caredesk.sla.forms import CalendarForm
from caredesk.sla.models import Calendar, SlaPolicy
from caredesk.sla.policies import TicketFacts
from caredesk.tickets.models import Tag, Ticket
from tests.conftest import deliver_ticket
from tests.mail import make_email
from tests.sla.conftest import only_calendar, only_policy

BERLIN = ZoneInfo("Europe/Berlin")
SLOTS = 2  # range slots each weekday shows on an empty calendar
PARTS = ("start", "end", "overnight")


def hours(**days: list[tuple[str, str] | tuple[str, str, bool]]) -> dict[str, str]:
    """The grid's inputs as a browser posts them: every text input (empty or not), a box only
    when ticked. `mon=[("09:00", "12:00"), ("22:00", "06:00", True)]`."""
    data: dict[str, str] = {}
    for day, key in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
        ranges = days.get(key, [])
        for slot in range(max(SLOTS, len(ranges))):
            given = ranges[slot] if slot < len(ranges) else ("", "")
            data[f"weekly_hours-{day}-{slot}-start"] = given[0]
            data[f"weekly_hours-{day}-{slot}-end"] = given[1]
            if len(given) == 3 and given[2]:
                data[f"weekly_hours-{day}-{slot}-overnight"] = "on"
    return data


def calendar_post(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Berlin desk",
        "timezone": "Europe/Berlin",
        "country": "",
        "subdivision": "",
        "closed_days-0": "",
        "closed_days-1": "",
        "special_days-0-date": "",
        "special_days-0-0-start": "",
        "special_days-0-0-end": "",
        "special_days-0-1-start": "",
        "special_days-0-1-end": "",
        "_save": "Save",
        **hours(mon=[("09:00", "17:00")]),
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def box(page: str, name: str, value: str) -> str:
    """The checkbox offering `value` for `name` ("" when the page offers none)."""
    found = re.search(rf'<input type="checkbox" name="{name}" value="{value}"[^>]*>', page)
    return found[0] if found else ""


def said(response: Any) -> str:
    return unescape(response.content.decode())


def test_an_admin_creates_a_calendar_from_the_grid(admin_client: Client) -> None:
    page = admin_client.get("/admin/sla/calendar/add/")
    assert page.status_code == 200
    assert 'name="weekly_hours-6-1-end"' in said(page)  # Sunday's second slot
    assert "<textarea" not in said(page)  # no JSON to type
    assert '<option value="DE">Germany (DE)</option>' in said(page)
    grid = hours(
        mon=[("08:00", "12:00"), ("13:00", "17:00")],
        tue=[("9:00", "17:00")],  # typed without the leading zero
        fri=[("08:00", "15:00"), ("22:00", "06:00", True)],
    )
    posted = admin_client.post(
        "/admin/sla/calendar/add/",
        calendar_post(
            **grid,
            country="DE",
            subdivision="DE-BE",
            **{
                "closed_days-0": "2026-12-31",
                "closed_days-1": "2026-12-24",
                "special_days-0-date": "2026-12-27",
                "special_days-0-0-start": "10:00",
                "special_days-0-0-end": "14:00",
            },
        ),
    )
    assert posted.status_code == 302, said(posted)
    row = Calendar.objects.get(name="Berlin desk")
    assert row.weekly_hours == {
        "0": [["08:00", "12:00"], ["13:00", "17:00"]],
        "1": [["09:00", "17:00"]],
        "4": [["08:00", "15:00"], ["22:00", "06:00"]],
    }
    assert row.closed_days == ["2026-12-24", "2026-12-31"]
    assert row.special_days == {"2026-12-27": [["10:00", "14:00"]]}
    assert (row.country, row.subdivision) == ("DE", "BE")

    # The SLA code reads it as typed: open Monday morning, not at lunch; the night shift runs
    # into Saturday; Berlin's holiday (8 March, Women's Day, a Monday in 2027) is closed.
    calendar = calendar_build(row)
    assert is_open(calendar, at(2026, 11, 23, 10, 0))
    assert not is_open(calendar, at(2026, 11, 23, 12, 30))
    assert is_open(calendar, at(2026, 11, 28, 5, 0))  # Saturday, the shift from Friday
    assert not is_open(calendar, at(2027, 3, 8, 10, 0))
    assert is_open(calendar, at(2026, 12, 27, 11, 0))  # a Sunday opened specially
    # Wednesday and Thursday are closed: an hour from Tuesday 16:30 ends Friday 08:30.
    due = add_business_time(calendar, at(2026, 11, 24, 16, 30), timedelta(hours=1))
    assert due == at(2026, 11, 27, 8, 30)


def test_an_admin_edits_a_calendar_and_sees_its_hours_in_the_grid(admin_client: Client) -> None:
    row = Calendar.objects.create(
        name="Night desk",
        timezone="Europe/Berlin",
        weekly_hours={"0": [["09:00", "17:00"]], "4": [["22:00", "06:00"]], "6": "all day"},
        closed_days=["2026-12-24"],
    )
    page = said(admin_client.get(f"/admin/sla/calendar/{row.pk}/change/"))
    assert 'name="weekly_hours-0-0-start" value="09:00"' in page
    assert 'name="weekly_hours-4-0-end" value="06:00"' in page
    assert 'name="weekly_hours-4-0-overnight"\n              checked' in page
    assert 'name="weekly_hours-6-all_day"\n            checked' in page
    assert 'name="closed_days-0" value="2026-12-24"' in page
    assert '<option value="Europe/Berlin" selected>' in page

    posted = admin_client.post(
        f"/admin/sla/calendar/{row.pk}/change/",
        calendar_post(
            name="Night desk",
            **hours(mon=[("10:00", "18:00")], fri=[("22:00", "06:00", True)]),
            **{"weekly_hours-6-all_day": "on", "closed_days-0": ""},
        ),
    )
    assert posted.status_code == 302, said(posted)
    row.refresh_from_db()
    assert row.weekly_hours == {
        "0": [["10:00", "18:00"]],
        "4": [["22:00", "06:00"]],
        "6": "all day",
    }
    assert row.closed_days == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (hours(mon=[("17:00", "09:00")]), "Monday: the end 09:00 is before the start 17:00"),
        (hours(wed=[("9am", "17:00")]), "Wednesday: “9am” is not a time like 09:00"),
        (hours(thu=[("09:00", "")]), "Thursday: the range from 09:00 needs an end"),
        (hours(sat=[("10:00", "10:00")]), "Saturday: the range starts and ends at 10:00"),
        (hours(sun=[("00:00", "24:00")]), "Sunday: for the whole day, tick “all day”"),
        (
            hours(mon=[("09:00", "12:00"), ("11:00", "13:00")]),
            "Overlapping opening hours: Monday 09:00-12:00 and Monday 11:00-13:00",
        ),
        ({"country": "XX"}, "Unknown country 'XX'"),
        ({"timezone": "Mars/Olympus"}, "Unknown time zone 'Mars/Olympus'"),
        (
            {"country": "FR", "subdivision": "DE-BY"},
            "Bayern (BY) is in Germany, not in France",
        ),
        ({"closed_days-0": "24 December"}, "“24 December” is not a date like 2026-12-24"),
        (
            {"special_days-0-date": "2026-12-27"},
            "2026-12-27: give its opening hours or tick “all day”",
        ),
        (
            {"special_days-0-0-start": "10:00", "special_days-0-0-end": "14:00"},
            "a special day’s hours need its date",
        ),
        (
            {
                "closed_days-0": "2026-12-27",
                "special_days-0-date": "2026-12-27",
                "special_days-0-all_day": "on",
            },
            "2026-12-27 is both a closed day and a special day",
        ),
    ],
)
def test_a_wrong_calendar_is_shown_again_with_the_reason(
    admin_client: Client, fields: dict[str, str], message: str
) -> None:
    posted = admin_client.post("/admin/sla/calendar/add/", calendar_post(**fields))
    assert posted.status_code == 200
    assert message in said(posted)
    assert "errornote" in said(posted)
    assert not Calendar.objects.filter(name="Berlin desk").exists()


def test_hours_until_24_00_and_a_subdivision_alone(admin_client: Client) -> None:
    """What people write: "until 24:00" (midnight), and Bavaria without naming Germany."""
    posted = admin_client.post(
        "/admin/sla/calendar/add/",
        calendar_post(**hours(sat=[("18:00", "24:00")]), subdivision="DE-BY"),
    )
    assert posted.status_code == 302, said(posted)
    row = Calendar.objects.get(name="Berlin desk")
    assert row.weekly_hours == {"5": [["18:00", "00:00"]]}
    assert (row.country, row.subdivision) == ("DE", "BY")
    page = said(admin_client.get(f"/admin/sla/calendar/{row.pk}/change/"))
    assert '<option value="DE-BY" selected>Bayern (BY)</option>' in page


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                *(f"weekly_hours-{d}-{i}-{p}" for d in (0, 6) for i in (0, 1, 7) for p in PARTS),
                "weekly_hours-3-all_day",
                "special_days-0-date",
                "special_days-0-all_day",
                "special_days-0-0-start",
                "special_days-0-0-end",
                "special_days-9-date",
                "closed_days-0",
                "closed_days-5",
                "country",
                "subdivision",
                "timezone",
            ]
        ),
        st.one_of(
            st.sampled_from(["", "09:00", "17:00", "24:00", "0", "2026-12-27", "DE", "DE-BE"]),
            st.text(max_size=12),
        ),
        max_size=8,
    )
)
def test_whatever_is_typed_the_form_answers_in_words(db: None, typed: dict[str, str]) -> None:
    form = CalendarForm(data={**calendar_post(), **typed})
    if not form.is_valid():
        assert form.errors and "Traceback" not in str(form.errors)
    else:
        calendar_build(Calendar(**{k: v for k, v in form.cleaned_data.items() if k != "name"}))


def test_what_was_typed_stays_in_the_grid_after_a_mistake(admin_client: Client) -> None:
    posted = admin_client.post(
        "/admin/sla/calendar/add/",
        calendar_post(**hours(mon=[("08:00", "12:00"), ("17:00", "09:00")], tue=[("8", "16")])),
    )
    page = said(posted)
    assert 'name="weekly_hours-0-1-start" value="17:00"' in page
    assert 'name="weekly_hours-1-0-end" value="16"' in page


def test_a_calendar_stored_before_the_grid_still_opens(admin_client: Client) -> None:
    """Rows the old JSON box let through (odd keys, odd pairs, a zone this machine does not
    know) open; saving does not swap the zone for another, it says what is wrong."""
    row = Calendar.objects.create(
        name="Odd", timezone="Mars/Olympus", weekly_hours={"0": [["09:00"]], "x": []}
    )
    page = admin_client.get(f"/admin/sla/calendar/{row.pk}/change/")
    assert page.status_code == 200
    assert '<option value="Mars/Olympus" selected>Mars/Olympus (no longer known)' in said(page)
    posted = admin_client.post(
        f"/admin/sla/calendar/{row.pk}/change/",
        calendar_post(name="Odd", timezone="Mars/Olympus"),
    )
    assert posted.status_code == 200
    assert "Mars/Olympus" in said(posted) and "errornote" in said(posted)
    row.refresh_from_db()
    assert row.timezone == "Mars/Olympus"


@pytest.fixture
def settings_made(db: None, mailbox: Mailbox) -> dict[str, Any]:
    """Real values to pick: a team, an organisation with a tier, a category, a tag."""
    team = Team.objects.create(name="Billing")
    acme = Organisation.objects.create(name="Acme", tier="Enterprise")
    ticket = deliver_ticket(make_email(), mailbox)
    Ticket.objects.filter(pk=ticket.pk).update(category="Payments")
    Tag.objects.create(name="refund")
    return {"team": team, "acme": acme, "mailbox": mailbox}


def policy_post(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Enterprise billing",
        "position": "10",
        "active": "on",
        "calendar": "",
        "more_categories": "",
        "more_tags": "",
        "more_tiers": "",
        "first_reply_minutes": "120",
        "next_reply_minutes": "",
        "resolution_minutes": "960",
        "warn_at_percent": "75",
        "warn_notify_assignee": "on",
        "breach_team": "",
        "breach_notify_supervisors": "on",
        "breach_add_tag": "",
        "_save": "Save",
    }
    data.update(fields)
    return data


def test_an_admin_creates_a_policy_from_pickers(
    admin_client: Client, settings_made: dict[str, Any]
) -> None:
    team, acme, mailbox = settings_made["team"], settings_made["acme"], settings_made["mailbox"]
    page = said(admin_client.get("/admin/sla/slapolicy/add/"))
    assert box(page, "match_priorities", "urgent")
    assert box(page, "match_categories", "payments")  # as a ticket has it, in any case
    assert box(page, "match_tags", "refund")
    assert box(page, "match_tiers", "enterprise")
    assert box(page, "match_mailboxes", str(mailbox.pk))
    assert box(page, "match_teams", str(team.pk))
    assert not box(page, "match_tags", "chargeback")
    assert '<textarea name="match_' not in page  # no JSON to type

    calendar = only_calendar(always_open=True)
    posted = admin_client.post(
        "/admin/sla/slapolicy/add/",
        policy_post(
            calendar=str(calendar.pk),
            match_priorities=["urgent", "high"],
            match_mailboxes=[str(mailbox.pk)],
            match_teams=[str(team.pk)],
            match_organisations=[str(acme.pk)],
            match_tiers=["enterprise"],
            match_categories=["payments"],
            match_tags=["refund"],
            more_tags="Chargeback, ",
        ),
    )
    assert posted.status_code == 302, said(posted)
    row = SlaPolicy.objects.get(name="Enterprise billing")
    assert row.match_priorities == ["urgent", "high"]
    assert row.match_tiers == ["enterprise"]
    assert row.match_categories == ["payments"]
    assert row.match_tags == ["chargeback", "refund"]
    assert list(row.match_teams.all()) == [team]

    # The SLA code applies it to the tickets it names, and to no others.
    facts = TicketFacts(
        priority="high",
        mailbox_id=mailbox.pk,
        team_id=team.pk,
        category="Payments",
        tags=frozenset({"chargeback"}),
        organisation_id=acme.pk,
        tier="enterprise",
    )
    book = sla_book_load()
    policy = book.policy_for(facts)
    assert policy is not None and policy.id == row.pk
    assert policy.targets == {"first_reply": 120, "resolution": 960}
    assert book.calendar_id_for(policy, facts) == calendar.pk
    for other in ({"priority": "low"}, {"tags": frozenset({"bug"})}, {"tier": "free"}):
        assert book.policy_for(TicketFacts(**{**facts.__dict__, **other})) != policy


def test_a_new_email_is_timed_by_the_policy_made_in_the_admin(
    admin_client: Client, mailbox: Mailbox
) -> None:
    only_policy(first_reply_minutes=8 * 60, position=100)
    only_calendar(always_open=True)
    posted = admin_client.post(
        "/admin/sla/slapolicy/add/",
        policy_post(
            name="This mailbox", position="1", match_mailboxes=[str(mailbox.pk)],
            first_reply_minutes="30", resolution_minutes="",
        ),
    )  # fmt: skip
    assert posted.status_code == 302, said(posted)
    with clock.frozen_at(datetime(2026, 11, 24, 10, 0, tzinfo=UTC)):
        ticket = deliver_ticket(make_email(), mailbox)
    assert ticket.sla_policy_id == SlaPolicy.objects.get(name="This mailbox").pk
    assert ticket.sla_due_at == datetime(2026, 11, 24, 10, 30, tzinfo=UTC)


def test_an_admin_edits_a_policy_and_sees_what_it_matches(
    admin_client: Client, settings_made: dict[str, Any]
) -> None:
    row = SlaPolicy.objects.create(
        name="Old", match_priorities=["urgent"], match_tiers=["Enterprise"], match_tags=["gone"]
    )
    page = said(admin_client.get(f"/admin/sla/slapolicy/{row.pk}/change/"))
    assert box(page, "match_priorities", "urgent").endswith(" checked>")
    assert not box(page, "match_priorities", "high").endswith(" checked>")
    assert box(page, "match_tiers", "enterprise").endswith(" checked>")
    assert box(page, "match_tags", "gone").endswith(" checked>")  # kept though no tag has it
    assert not box(page, "match_tags", "refund").endswith(" checked>")
    posted = admin_client.post(
        f"/admin/sla/slapolicy/{row.pk}/change/",
        policy_post(name="Old", match_priorities=["normal"], match_tiers=["enterprise"]),
    )
    assert posted.status_code == 302, said(posted)
    row.refresh_from_db()
    assert (row.match_priorities, row.match_tiers, row.match_tags) == (
        ["normal"],
        ["enterprise"],
        [],
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"match_priorities": ["burning"]}, "Unknown priority 'burning'"),
        ({"match_tags": ["nonesuch"]}, "Unknown tag 'nonesuch'"),
        ({"warn_at_percent": "120"}, "Warn before the target: 1 to 99 (0 never warns)"),
    ],
)
def test_a_wrong_policy_is_shown_again_with_the_reason(
    admin_client: Client, settings_made: dict[str, Any], fields: dict[str, Any], message: str
) -> None:
    posted = admin_client.post("/admin/sla/slapolicy/add/", policy_post(**fields))
    assert posted.status_code == 200
    assert message in said(posted)
    assert not SlaPolicy.objects.filter(name="Enterprise billing").exists()


def test_admin_pages_open(admin_client: Client) -> None:
    for path in ("/admin/sla/calendar/", "/admin/sla/slapolicy/", "/admin/sla/slapolicy/add/"):
        assert admin_client.get(path).status_code == 200, path
