from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from caredesk.core.admin import RecordAdmin
from caredesk.tickets.bodies import BODIES, message_bodies, with_bodies_cut
from caredesk.tickets.models import (
    INBOUND_KINDS,
    Message,
    PriorityPhrase,
    Tag,
    Ticket,
    TicketEvent,
)


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
    # The bodies are shown cut, as on the ticket page (one can be 30 MB): the text's beginning,
    # read-only, with the whole text and the original email a click away. The sanitised HTML
    # is not shown here; the ticket page frames it.
    exclude = list(BODIES)
    readonly_fields = ["body", "original"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return super().get_queryset(request).defer(*BODIES)

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Message | None:
        found = super().get_object(request, object_id, from_field)
        if found is None:
            return None
        return with_bodies_cut(Message.objects.filter(pk=found.pk)).first()

    @admin.display(description="text")
    def body(self, obj: Message) -> SafeString:
        text = message_bodies(obj).text
        if not text.truncated:
            return format_html('<pre class="body">{}</pre>', text.shown)
        return format_html(
            '<p class="long-body">{} characters; the first {} are shown. <a href="{}">Show all'
            '</a></p><pre class="body">{}</pre>',
            f"{text.length:,}",
            f"{len(text.shown):,}",
            reverse("workspace:message-text", args=[obj.pk]),
            text.shown,
        )

    @admin.display(description="original email")
    def original(self, obj: Message) -> Any:
        if obj.kind not in INBOUND_KINDS:
            return "-"  # written in caredesk: there is no original email
        url = reverse("workspace:message-original", args=[obj.pk])
        return format_html('<a href="{}">Download original</a>', url)


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
