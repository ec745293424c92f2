"""The SLA configuration, read once per batch of work and turned into pure values."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, time

from caredesk.accounts.models import Team
from caredesk.mailboxes.models import Mailbox
from caredesk.sla.calendar import ALL_DAY, BusinessCalendar, Interval
from caredesk.sla.models import Calendar, SlaPolicy
from caredesk.sla.policies import Policy, TicketFacts, lowered, policy_match

log = logging.getLogger(__name__)

# Monday to Friday, 09:00-17:00: what a team without a configured calendar is assumed to work.
OFFICE_HOURS = {day: ((time(9), time(17)),) for day in range(5)}


@dataclass(frozen=True)
class SlaBook:
    policies: tuple[Policy, ...]
    calendars: dict[int, BusinessCalendar]
    default_calendar_id: int
    mailbox_calendars: dict[int, int]
    team_calendars: dict[int, int]

    def policy_for(self, facts: TicketFacts) -> Policy | None:
        return policy_match(self.policies, facts)

    def calendar_id_for(self, policy: Policy, facts: TicketFacts) -> int:
        """The policy's calendar, else the team's, else the mailbox's, else the default."""
        for candidate in (
            policy.calendar_id,
            self.team_calendars.get(facts.team_id) if facts.team_id is not None else None,
            self.mailbox_calendars.get(facts.mailbox_id),
        ):
            if candidate is not None:
                return candidate
        return self.default_calendar_id


def sla_book_load() -> SlaBook:
    """Every active policy in order and every calendar (a handful of small queries)."""
    rows = list(Calendar.objects.order_by("pk"))
    if not any(row.is_default for row in rows):
        rows.append(calendar_default())
    calendars = {row.pk: calendar_usable(row) for row in rows}
    default = next(row.pk for row in rows if row.is_default)
    policies = tuple(
        _policy(row)
        for row in SlaPolicy.objects.filter(active=True)
        .prefetch_related("match_mailboxes", "match_teams", "match_organisations")
        .order_by("position", "id")
    )
    return SlaBook(
        policies=policies,
        calendars=calendars,
        default_calendar_id=default,
        mailbox_calendars=dict(
            Mailbox.objects.filter(calendar__isnull=False).values_list("pk", "calendar_id")
        ),
        team_calendars=dict(
            Team.objects.filter(calendar__isnull=False).values_list("pk", "calendar_id")
        ),
    )


def calendar_default() -> Calendar:
    """The default calendar, created (office hours, UTC) the first time it is needed."""
    found = Calendar.objects.filter(is_default=True).order_by("pk").first()
    if found is not None:
        return found
    calendar, _ = Calendar.objects.get_or_create(
        name="Office hours",
        defaults={
            "is_default": True,
            "weekly_hours": {
                str(day): [[a.isoformat("minutes"), b.isoformat("minutes")] for a, b in hours]
                for day, hours in OFFICE_HOURS.items()
            },
        },
    )
    return calendar


def calendar_usable(row: Calendar) -> BusinessCalendar:
    """A stored calendar that the admin form would have refused still must not stop email
    processing: it is logged and read as office hours until someone fixes it."""
    try:
        return calendar_build(row)
    except ValueError:
        log.exception("calendar %r is invalid; using office hours in UTC meanwhile", row.name)
        return BusinessCalendar(timezone="UTC", weekly_hours=OFFICE_HOURS)


def calendar_build(row: Calendar) -> BusinessCalendar:
    """The pure calendar a stored one describes; ValueError (with the reason) when invalid."""
    if row.always_open:
        return BusinessCalendar.always_open(row.timezone)
    if not isinstance(row.weekly_hours, dict):
        raise ValueError("weekly hours must map weekdays (0 is Monday) to intervals")
    if not isinstance(row.special_days, dict) or not isinstance(row.closed_days, list):
        raise ValueError("closed days must be a list of dates, special days a map of dates")
    return BusinessCalendar(
        timezone=row.timezone,
        weekly_hours={_weekday(day): _intervals(hours) for day, hours in row.weekly_hours.items()},
        closed_days=frozenset(_date(day) for day in row.closed_days),
        special_days={_date(day): _intervals(hours) for day, hours in row.special_days.items()},
        country=row.country or None,
        subdivision=row.subdivision or None,
    )


def _weekday(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise ValueError(f"a weekday is 0 (Monday) to 6 (Sunday), got {value!r}") from None


def _date(value: object) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not a date like 2026-12-24") from None


def _intervals(value: object) -> tuple[Interval, ...]:
    if value == "all day":
        return ALL_DAY
    if not isinstance(value, list):
        raise ValueError(f"opening hours are a list of [start, end] pairs, got {value!r}")
    intervals = []
    for pair in value:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValueError(f"an interval is [start, end] like ['09:00', '17:00'], got {pair!r}")
        try:
            intervals.append((time.fromisoformat(pair[0]), time.fromisoformat(pair[1])))
        except (TypeError, ValueError):
            raise ValueError(f"{pair!r} is not a pair of times like ['09:00', '17:00']") from None
    return tuple(intervals)


def _policy(row: SlaPolicy) -> Policy:
    targets = {
        kind: minutes
        for kind, minutes in (
            ("first_reply", row.first_reply_minutes),
            ("next_reply", row.next_reply_minutes),
            ("resolution", row.resolution_minutes),
        )
        if minutes
    }
    return Policy(
        id=row.pk,
        name=row.name,
        calendar_id=row.calendar_id,
        priorities=lowered(row.match_priorities),
        mailboxes=frozenset(m.pk for m in row.match_mailboxes.all()),
        teams=frozenset(t.pk for t in row.match_teams.all()),
        categories=lowered(row.match_categories),
        tags=lowered(row.match_tags),
        organisations=frozenset(o.pk for o in row.match_organisations.all()),
        tiers=lowered(row.match_tiers),
        targets=targets,
        warn_percent=min(row.warn_at_percent, 99),
        warn_notify_assignee=row.warn_notify_assignee,
        breach_raise_priority=row.breach_raise_priority,
        breach_team_id=row.breach_team_id,
        breach_notify_supervisors=row.breach_notify_supervisors,
        breach_add_tag=row.breach_add_tag.strip().lower(),
    )
