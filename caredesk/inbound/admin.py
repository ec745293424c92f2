from __future__ import annotations

from collections import Counter

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from caredesk.access import Action, intake_permits, principal_of
from caredesk.core.admin import RecordAdmin
from caredesk.inbound.models import InboundMessage
from caredesk.inbound.services import intake_reprocess


@admin.register(InboundMessage)
class InboundMessageAdmin(RecordAdmin[InboundMessage]):
    """Read only: every email as it arrived and what became of it. The raw bytes stay out of
    the page (the API downloads them); "Reprocess" runs the selected emails through again."""

    list_display = ["id", "received_at", "mailbox", "source", "envelope_from", "status", "ticket"]
    list_filter = ["status", "source", "mailbox"]
    search_fields = ["envelope_from", "message_id", "status_reason"]
    exclude = ["raw"]
    actions = ["reprocess"]

    @admin.action(description="Reprocess the selected emails")
    def reprocess(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        if not intake_permits(principal_of(request.user), Action.REPROCESS):
            raise PermissionDenied
        done = intake_reprocess(ids=list(queryset.values_list("pk", flat=True)))
        outcomes = Counter(outcome for _, outcome in done)
        said = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
        self.message_user(request, f"Reprocessed {len(done)}: {said or 'none'}.", messages.INFO)
