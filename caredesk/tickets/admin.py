from __future__ import annotations

from django.contrib import admin

from caredesk.tickets.models import Message, PriorityPhrase, Tag, Ticket, TicketEvent


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    list_display = ["id", "subject", "status", "priority", "sla_state", "sla_due_at", "updated_at"]
    list_filter = ["status", "priority", "sla_state", "mailbox"]
    search_fields = ["subject"]


@admin.register(PriorityPhrase)
class PriorityPhraseAdmin(admin.ModelAdmin[PriorityPhrase]):
    """Phrases added to the built-in priority signals (see docs/sla.md)."""

    list_display = ["phrase", "priority", "label", "active"]
    list_filter = ["priority", "active"]


admin.site.register(Tag)
admin.site.register(Message)
admin.site.register(TicketEvent)
