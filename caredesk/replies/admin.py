from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from caredesk.accounts.models import Agent, Team
from caredesk.core.vocabulary import Priority, Status
from caredesk.replies.macros import STATUSES, macro_problems
from caredesk.replies.models import ReplyTemplate, ReplyTemplateVariant

LEAVE = ("", "(leave as it is)")


class VariantInline(admin.StackedInline[ReplyTemplateVariant, ReplyTemplate]):
    model = ReplyTemplateVariant
    fields = ["language", "body"]
    extra = 1


class AgentChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.email})"


class MacroForm(forms.ModelForm[ReplyTemplate]):
    """The macro as fields rather than raw JSON: what a reply from the template sets on its
    ticket. Stored as the same checked JSON object (caredesk.replies.macros)."""

    macro_status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[LEAVE, *((s, Status(s).label) for s in STATUSES)],
    )
    macro_priority = forms.ChoiceField(
        label="Priority", required=False, choices=[LEAVE, *Priority.choices]
    )
    macro_team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.order_by("name"), required=False, empty_label=LEAVE[1]
    )
    macro_assignee = AgentChoice(
        label="Assignee",
        queryset=Agent.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=LEAVE[1],
    )
    macro_category = forms.CharField(
        label="Category", required=False, max_length=100, help_text="empty: leave as it is"
    )
    macro_tags = forms.CharField(
        label="Tags to add", required=False, help_text="comma-separated, e.g. refund, billing"
    )

    class Meta:
        model = ReplyTemplate
        fields = ["name", "scope", "owner", "team", "state", "review_by"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = self.instance.actions if isinstance(self.instance.actions, dict) else {}
        self.initial.update(
            macro_status=actions.get("status", ""),
            macro_priority=actions.get("priority", ""),
            macro_team=actions.get("team"),
            macro_assignee=actions.get("assignee"),
            macro_category=actions.get("category", ""),
            macro_tags=", ".join(actions.get("tags", []) or []),
        )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        actions: dict[str, Any] = {}
        for key in ("status", "priority", "category"):
            value = (data.get(f"macro_{key}") or "").strip()
            if value:
                actions[key] = value
        for key in ("team", "assignee"):
            chosen = data.get(f"macro_{key}")
            if chosen is not None:
                actions[key] = chosen.pk
        tags = [t.strip() for t in (data.get("macro_tags") or "").split(",") if t.strip()]
        if tags:
            actions["tags"] = tags
        problems = macro_problems(actions)
        if problems:
            raise forms.ValidationError("; ".join(problems))
        self.instance.actions = actions
        return data


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin[ReplyTemplate]):
    form = MacroForm
    list_display = ["name", "scope", "team", "owner", "state", "review_by", "updated_at"]
    list_filter = ["scope", "state", "team"]
    search_fields = ["name", "variants__body"]
    inlines = [VariantInline]
    fieldsets = [
        (None, {"fields": ["name", "scope", "owner", "team", "state", "review_by"]}),
        (
            "Macro: what a reply from this template sets on its ticket",
            {
                "fields": [
                    "macro_status",
                    "macro_priority",
                    "macro_team",
                    "macro_assignee",
                    "macro_category",
                    "macro_tags",
                ]
            },
        ),
    ]
