"""Admins manage calendars and SLA policies here (settings, not agents' daily work)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from caredesk.core.vocabulary import Priority
from caredesk.sla.book import calendar_build
from caredesk.sla.models import Calendar, SlaPolicy


class CalendarForm(forms.ModelForm[Calendar]):
    class Meta:
        model = Calendar
        fields = [
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        candidate = Calendar(
            **{
                name: data.get(name, getattr(Calendar(), name))
                for name in (
                    "timezone",
                    "always_open",
                    "weekly_hours",
                    "closed_days",
                    "special_days",
                    "country",
                    "subdivision",
                )
            }
        )
        try:
            calendar_build(candidate)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin[Calendar]):
    form = CalendarForm
    list_display = ["name", "timezone", "always_open", "country", "subdivision", "is_default"]


class PolicyForm(forms.ModelForm[SlaPolicy]):
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
            "match_categories",
            "match_tags",
            "match_organisations",
            "match_tiers",
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

    def clean_match_priorities(self) -> list[str]:
        value = self.cleaned_data.get("match_priorities") or []
        unknown = [p for p in value if p not in Priority.values]
        if not isinstance(value, list) or unknown:
            raise forms.ValidationError(f"priorities are a list of {', '.join(Priority.values)}")
        return value

    def clean_warn_at_percent(self) -> int:
        value = int(self.cleaned_data.get("warn_at_percent") or 0)
        if value > 99:
            raise forms.ValidationError("warn before the target: 1 to 99 (0 never warns)")
        return value


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    form = PolicyForm
    list_display = [
        "position",
        "name",
        "active",
        "first_reply_minutes",
        "next_reply_minutes",
        "resolution_minutes",
        "calendar",
    ]
    list_display_links = ["name"]
    filter_horizontal = ["match_mailboxes", "match_teams", "match_organisations"]
