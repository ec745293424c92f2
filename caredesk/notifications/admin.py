from __future__ import annotations

from django.contrib import admin

from caredesk.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["created_at", "agent", "kind", "text", "read_at"]
    list_filter = ["kind"]
