from __future__ import annotations

from django.contrib import admin

from caredesk.core.admin import RecordAdmin
from caredesk.tickets.models import Message, PriorityPhrase, Tag, Ticket, TicketEvent


@admin.register(Ticket)
class TicketAdmin(RecordAdmin[Ticket]):
    """Read only: tickets change through the workspace and the API, which record who did what."""

    list_display = [
        "id",
        "subject",
        "status",
        "priority",
        "team",
        "assignee",
        "sla_state",
        "sla_due_at",
        "updated_at",
    ]
    list_filter = ["status", "priority", "sla_state", "team", "mailbox"]
    list_select_related = ["team", "assignee"]
    search_fields = ["=id", "subject", "customer__addresses__address"]
    date_hierarchy = "created_at"


@admin.register(Message)
class MessageAdmin(RecordAdmin[Message]):
    list_display = ["id", "created_at", "ticket_id", "kind", "from_address", "subject"]
    list_filter = ["kind", "mailbox"]
    search_fields = ["=ticket__id", "from_address", "message_id", "subject"]
    exclude = ["html"]  # the sanitised copy of the email's HTML; the text is shown


@admin.register(TicketEvent)
class TicketEventAdmin(RecordAdmin[TicketEvent]):
    list_display = ["id", "created_at", "ticket_id", "kind", "actor"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    search_fields = ["=ticket__id", "kind"]


@admin.register(PriorityPhrase)
class PriorityPhraseAdmin(admin.ModelAdmin[PriorityPhrase]):
    """Phrases added to the built-in priority signals (see docs/sla.md)."""

    list_display = ["phrase", "priority", "label", "active"]
    list_filter = ["priority", "active"]


admin.site.register(Tag)
