from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html

from caredesk.access import Action, intake_permits, principal_of
from caredesk.core.admin import RecordAdmin
from caredesk.inbound.models import InboundMessage
from caredesk.inbound.services import intake_reprocess
from caredesk.tickets.bodies import BODIES


@admin.register(InboundMessage)
class InboundMessageAdmin(RecordAdmin[InboundMessage]):
    """Read only: every email as it arrived and what became of it. The raw bytes stay out of
    the page and out of its query (they may be 35 MB); the page links to their download, as
    the API does. "Reprocess" runs the selected emails through again."""

    list_display = ["id", "received_at", "mailbox", "source", "envelope_from", "status", "ticket"]
    list_filter = ["status", "source", "mailbox"]
    search_fields = ["envelope_from", "message_id", "status_reason"]
    exclude = ["raw"]
    readonly_fields = ["original"]
    actions = ["reprocess"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboundMessage]:
        # Neither the list nor a row's page reads the raw bytes (up to 35 MB each), nor the
        # bodies of the message a row made, which its page names.
        bodies = [f"ticket_message__{body}" for body in BODIES]
        rows = super().get_queryset(request).select_related("ticket_message")
        return rows.defer("raw", *bodies)

    @admin.display(description="original email")
    def original(self, obj: InboundMessage) -> Any:
        url = reverse("workspace:intake-original", args=[obj.pk])
        return format_html('<a href="{}">Download</a> ({})', url, filesizeformat(obj.size))

    @admin.action(description="Reprocess the selected emails")
    def reprocess(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        if not intake_permits(principal_of(request.user), Action.REPROCESS):
            raise PermissionDenied
        done = intake_reprocess(ids=list(queryset.values_list("pk", flat=True)))
        outcomes = Counter(outcome for _, outcome in done)
        said = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
        self.message_user(request, f"Reprocessed {len(done)}: {said or 'none'}.", messages.INFO)
