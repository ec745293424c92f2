from __future__ import annotations

from django.contrib import admin

from caredesk.tickets.models import Message, Ticket, TicketEvent


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    list_display = ["id", "subject", "status", "priority", "customer", "updated_at"]
    list_filter = ["status", "priority", "mailbox"]
    search_fields = ["subject"]


admin.site.register(Message)
admin.site.register(TicketEvent)
