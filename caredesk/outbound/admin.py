from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from caredesk.accounts.models import Agent
from caredesk.core.admin import RecordAdmin
from caredesk.outbound.models import OutboundEmail
from caredesk.outbound.services import outbound_retry


@admin.register(OutboundEmail)
class OutboundEmailAdmin(RecordAdmin[OutboundEmail]):
    """Read only: every email caredesk owes or sent, with its delivery state. Failed ones can
    be queued again ("Retry delivery")."""

    list_display = ["id", "created_at", "kind", "recipient", "status", "attempts", "ticket_id"]
    list_filter = ["status", "kind", "mailbox"]
    search_fields = ["recipient", "message_id", "=ticket__id"]
    exclude = ["attachments"]
    actions = ["retry_delivery"]

    @admin.action(description="Retry delivery of the selected failed emails")
    def retry_delivery(self, request: HttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        assert isinstance(request.user, Agent)  # the admin site lets admins alone in
        chosen = list(queryset)
        retried = outbound_retry(emails=chosen, actor=request.user)
        left = len(chosen) - len(retried)
        said = f"Queued {len(retried)} email{'s' if len(retried) != 1 else ''} again"
        if left:
            said += f"; {left} not failed, left alone"
        self.message_user(request, said + ".", messages.SUCCESS if retried else messages.WARNING)
