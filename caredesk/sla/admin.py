"""Admins manage calendars and SLA policies here (settings, not agents' daily work), in forms
of days, times and pickers (`caredesk.sla.forms`), never as JSON."""

from __future__ import annotations

from django.contrib import admin

from caredesk.sla.forms import CalendarForm, PolicyForm
from caredesk.sla.models import Calendar, SlaPolicy


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin[Calendar]):
    form = CalendarForm
    list_display = ["name", "timezone", "always_open", "country", "subdivision", "is_default"]
    fieldsets = [
        (None, {"fields": ["name", "timezone", "always_open", "is_default"]}),
        ("Opening hours", {"fields": ["weekly_hours"]}),
        ("Holidays and exceptions", {"fields": ["country", "subdivision", "closed_days"]}),
        ("Special opening days", {"fields": ["special_days"]}),
    ]


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
    fieldsets = [
        (None, {"fields": ["name", "position", "active", "calendar"]}),
        (
            "Which tickets",
            {
                "description": "Every condition given must hold; within one, any of its "
                "values will do. Leave a condition empty to match every ticket.",
                "fields": [
                    "match_priorities",
                    "match_mailboxes",
                    "match_teams",
                    "match_organisations",
                    "match_tiers",
                    "more_tiers",
                    "match_categories",
                    "more_categories",
                    "match_tags",
                    "more_tags",
                ],
            },
        ),
        (
            "Targets (business minutes; empty: no target)",
            {"fields": ["first_reply_minutes", "next_reply_minutes", "resolution_minutes"]},
        ),
        (
            "Warning and breach",
            {
                "fields": [
                    "warn_at_percent",
                    "warn_notify_assignee",
                    "breach_raise_priority",
                    "breach_team",
                    "breach_notify_supervisors",
                    "breach_add_tag",
                ]
            },
        ),
    ]
