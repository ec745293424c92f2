"""The admin's forms for calendars and SLA policies: pickers and grids, stored as the JSON the
SLA code reads (`Calendar`, `SlaPolicy`). What is wrong is said in words, next to its field."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any, cast
from zoneinfo import available_timezones

from django import forms
from django.apps import apps
from django.contrib.admin.widgets import FilteredSelectMultiple

from caredesk.core.vocabulary import Priority
from caredesk.customers.models import Customer, Organisation
from caredesk.sla.book import calendar_build
from caredesk.sla.hours_fields import ClosedDaysField, SpecialDaysField, WeeklyHoursField
from caredesk.sla.models import Calendar, SlaPolicy
from caredesk.sla.public_holidays import Region, holiday_regions

CALENDAR_FIELDS = [
    "name",
    "timezone",
    "always_open",
    "weekly_hours",
    "closed_days",
    "special_days",
    "country",
    "subdivision",
    "is_default",
]


@lru_cache(maxsize=1)
def _zones() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(available_timezones() | {"UTC"})]


def _regions() -> dict[str, Region]:
    return {region.code: region for region in holiday_regions()}


def _subdivision_choices() -> list[tuple[str, Any]]:
    """Grouped by country; a value names its country too ("DE-BE"), as codes repeat across
    countries (BE is Berlin in Germany and Bern in Switzerland)."""
    groups: list[tuple[str, Any]] = [("", "All of the country")]
    for region in holiday_regions():
        if region.subdivisions:
            subs = [(f"{region.code}-{code}", name) for code, name in region.subdivisions]
            groups.append((region.name, subs))
    return groups


class CalendarForm(forms.ModelForm[Calendar]):
    timezone = forms.ChoiceField(
        choices=_zones,
        initial="UTC",
        error_messages={"invalid_choice": "Unknown time zone '%(value)s'"},
        help_text="The hours below are the local time of this zone.",
    )
    weekly_hours = WeeklyHoursField(
        label="Weekly hours",
        help_text="One or more ranges a day, e.g. 09:00 – 12:00 and 13:00 – 17:00; a day left "
        "empty is closed. Tick “past midnight” for a night shift such as 22:00 – 06:00.",
    )
    country = forms.ChoiceField(
        choices=lambda: (
            [("", "No public holidays")]
            + [(r.code, f"{r.name} ({r.code})") for r in holiday_regions()]
        ),
        required=False,
        label="Public holidays of",
        error_messages={"invalid_choice": "Unknown country '%(value)s'"},
    )
    subdivision = forms.ChoiceField(
        choices=_subdivision_choices,
        required=False,
        help_text="A state or region with holidays of its own, if any.",
        error_messages={"invalid_choice": "Unknown subdivision '%(value)s'"},
    )
    closed_days = ClosedDaysField(
        label="Closed days", help_text="Closed all day besides the public holidays."
    )
    special_days = SpecialDaysField(
        label="Special opening days",
        help_text="Dates with hours of their own, even on a weekend, closed day or holiday.",
    )

    class Meta:
        model = Calendar
        fields = CALENDAR_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance
        if stored.country and stored.subdivision:
            self.initial["subdivision"] = f"{stored.country}-{stored.subdivision}"
        # A value stored before (another version of the zone or holiday data) stays chosen, so
        # that saving does not silently pick another; the calendar's checks then say what is
        # wrong with it.
        for name in ("timezone", "country", "subdivision"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            value = self.initial.get(name) or ""
            offered = list(cast(Iterable[Any], field.choices))
            if value and value not in {str(v) for v, _ in _flat(offered)}:
                field.choices = [(value, f"{value} (no longer known)"), *offered]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        picked = data.get("subdivision") or ""
        if picked and "country" in data:
            country, _, subdivision = picked.partition("-")
            regions = _regions()
            named = dict(regions[country].subdivisions).get(subdivision, subdivision)
            if data["country"] and data["country"] != country:
                chosen = regions[data["country"]].name
                self.add_error(
                    "subdivision",
                    f"{named} is in {regions[country].name}, not in {chosen}: choose "
                    f"{regions[country].name} as the country, or another subdivision",
                )
                return data
            data["country"], data["subdivision"] = country, subdivision
        if self.errors:
            return data  # the calendar's own checks would only repeat them
        blank = Calendar()
        candidate = Calendar(
            **{name: data.get(name, getattr(blank, name)) for name in CALENDAR_FIELDS}
        )
        try:
            calendar_build(candidate)
        except ValueError as exc:
            raise forms.ValidationError(_sentence(str(exc))) from exc
        return data


def _flat(choices: Iterable[Any]) -> Iterable[tuple[Any, Any]]:
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from label  # a group
        else:
            yield value, label


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class ValuesField(forms.MultipleChoiceField):
    """Some of the values tickets have (categories, tags, tiers), ticked in a list."""

    def __init__(self, *, noun: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("error_messages", {"invalid_choice": f"Unknown {noun[:-1]} '%(value)s'"})
        super().__init__(**kwargs)


class PolicyForm(forms.ModelForm[SlaPolicy]):
    match_priorities = forms.MultipleChoiceField(
        choices=Priority.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Priorities",
        error_messages={"invalid_choice": "Unknown priority '%(value)s'"},
    )
    match_categories = ValuesField(noun="categories", label="Categories")
    more_categories = forms.CharField(
        required=False,
        label="Other categories",
        help_text="Categories no ticket has yet, separated by commas.",
    )
    match_tags = ValuesField(noun="tags", label="Tags")
    more_tags = forms.CharField(
        required=False, label="Other tags", help_text="Tags not made yet, separated by commas."
    )
    match_tiers = ValuesField(noun="tiers", label="Customer tiers")
    more_tiers = forms.CharField(
        required=False,
        label="Other tiers",
        help_text="Tiers no customer or organisation has yet, separated by commas.",
    )

    class Meta:
        model = SlaPolicy
        fields = [
            "name",
            "position",
            "active",
            "calendar",
            "match_priorities",
            "match_mailboxes",
            "match_teams",
            "match_organisations",
            "match_tiers",
            "match_categories",
            "match_tags",
            "first_reply_minutes",
            "next_reply_minutes",
            "resolution_minutes",
            "warn_at_percent",
            "warn_notify_assignee",
            "breach_raise_priority",
            "breach_team",
            "breach_notify_supervisors",
            "breach_add_tag",
        ]
        widgets = {
            "match_mailboxes": forms.CheckboxSelectMultiple,
            "match_teams": forms.CheckboxSelectMultiple,
            # There may be hundreds: the admin's filtering picker (its own script, same origin;
            # a plain multiple select without it).
            "match_organisations": FilteredSelectMultiple("organisations", is_stacked=False),
        }
        labels = {
            "match_mailboxes": "Mailboxes",
            "match_teams": "Teams",
            "match_organisations": "Organisations",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance
        # Tickets sit above the SLA app (decision 0011), so their categories and tags are read
        # by model label, as the SLA models refer to tickets, without importing them.
        ticket = apps.get_model("tickets", "Ticket")._default_manager
        tag = apps.get_model("tickets", "Tag")._default_manager
        real = {
            "match_categories": ticket.exclude(category="").values_list("category", flat=True),
            "match_tags": tag.values_list("name", flat=True),
            "match_tiers": [
                *Organisation.objects.exclude(tier="").values_list("tier", flat=True),
                *Customer.objects.exclude(tier="").values_list("tier", flat=True),
            ],
        }
        for name, values in real.items():
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = _choices([*values, *getattr(stored, name)])
            self.initial[name] = [str(v).strip().lower() for v in getattr(stored, name)]
            if not field.choices:
                field.help_text = "None in use yet: name them below."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, more in (
            ("match_categories", "more_categories"),
            ("match_tags", "more_tags"),
            ("match_tiers", "more_tiers"),
        ):
            extra = [v.strip().lower() for v in (data.get(more) or "").split(",") if v.strip()]
            if name in data:
                data[name] = sorted({*data[name], *extra})
        return data

    def clean_warn_at_percent(self) -> int:
        value = int(self.cleaned_data.get("warn_at_percent") or 0)
        if value > 99:
            raise forms.ValidationError("Warn before the target: 1 to 99 (0 never warns)")
        return value


def _choices(values: Iterable[str]) -> list[tuple[str, str]]:
    """Each value once, whatever its case (policies match in any case), in order."""
    found: dict[str, str] = {}
    for value in values:
        if str(value).strip():
            found.setdefault(str(value).strip().lower(), str(value).strip())
    return sorted(found.items(), key=lambda item: item[0])
