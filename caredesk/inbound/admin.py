from __future__ import annotations

from django.contrib import admin

from caredesk.inbound.models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin[InboundMessage]):
    list_display = ["id", "received_at", "mailbox", "source", "envelope_from", "status", "ticket"]
    list_filter = ["status", "source", "mailbox"]
    search_fields = ["envelope_from", "message_id", "status_reason"]
    exclude = ["raw"]
    readonly_fields = [f.name for f in InboundMessage._meta.fields if f.name != "raw"]
