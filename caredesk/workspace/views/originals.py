"""The whole of a long message, and emails exactly as they arrived.

A ticket page shows the first CAREDESK_BODY_SHOWN_CHARS characters of a body; "Show all" is
`message_text`, "Download original" is `message_original`. The admin's pages for messages and
intake rows link here too (`intake_original` is the intake log's download, for admins). Each
asks the access policy, and what the agent may not see is answered as if it did not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from caredesk.core.downloads import eml_download, guarded
from caredesk.core.errors import NotFound
from caredesk.inbound.selectors import inbound_get, message_original_get
from caredesk.tickets.selectors import message_text_get
from caredesk.workspace.views._common import principal_of_request, refused


@login_required
@require_GET
def message_text(request: HttpRequest, pk: int) -> HttpResponse:
    """A message's whole plain text, shown in the browser as text."""
    try:
        text = message_text_get(message_id=pk, principal=principal_of_request(request))
    except NotFound as exc:
        return refused(request, exc)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="message-{pk}.txt"'
    return guarded(response)


@login_required
@require_GET
def message_original(request: HttpRequest, pk: int) -> HttpResponse:
    """The email a message was made from, byte for byte, as a .eml download."""
    try:
        row = message_original_get(message_id=pk, principal=principal_of_request(request))
    except NotFound as exc:
        return refused(request, exc)
    return eml_download(row.raw, f"message-{pk}")


@login_required
@require_GET
def intake_original(request: HttpRequest, pk: int) -> HttpResponse:
    """An intake row's email, byte for byte (the intake log is for admins)."""
    try:
        row = inbound_get(intake_id=pk, principal=principal_of_request(request))
    except NotFound as exc:
        return refused(request, exc)
    return eml_download(row.raw, f"inbound-{pk}")
