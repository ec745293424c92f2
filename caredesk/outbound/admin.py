from __future__ import annotations

from django.contrib import admin

from caredesk.outbound.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    list_display = ["id", "created_at", "kind", "recipient", "status", "attempts", "ticket"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "message_id"]
