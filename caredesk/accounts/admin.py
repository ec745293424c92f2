from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from caredesk.accounts.models import Agent, PasswordResetRequest, Team
from caredesk.accounts.services import agent_change_check, agent_role_set
from caredesk.core.errors import InvalidRequest


class AgentForm(forms.ModelForm[Agent]):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "role" in data and "is_active" in data:
            try:
                agent_change_check(agent=self.instance, role=data["role"], active=data["is_active"])
            except InvalidRequest as exc:
                raise forms.ValidationError(str(exc)) from None
        return data


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin[Agent]):
    form = AgentForm
    list_display = ["email", "name", "role", "is_active"]
    list_filter = ["role", "teams"]
    exclude = ["password"]
    # They follow the role (accounts.services.agent_role_set), so they are shown, not edited.
    readonly_fields = ["is_staff", "is_superuser"]

    def save_model(self, request: HttpRequest, obj: Agent, form: Any, change: bool) -> None:
        agent_role_set(agent=obj, role=obj.role)
        super().save_model(request, obj, form, change)


admin.site.register(Team)


@admin.register(PasswordResetRequest)
class PasswordResetRequestAdmin(admin.ModelAdmin[PasswordResetRequest]):
    """Read only: who asked for a reset link, from where, and whether it was held back."""

    list_display = ["created_at", "address", "ip", "throttled"]
    list_filter = ["throttled"]
    search_fields = ["address", "ip"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
