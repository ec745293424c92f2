from __future__ import annotations

from django.contrib import admin

from caredesk.accounts.models import Agent, Team


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin[Agent]):
    list_display = ["email", "name", "role", "is_active"]
    list_filter = ["role", "teams"]
    exclude = ["password"]


admin.site.register(Team)
