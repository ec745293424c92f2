"""The composer on a ticket's page: sending (with files), drafts saved as the agent types, and
splitting a customer's message off into a new ticket."""

from __future__ import annotations

from typing import TypedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from caredesk.access import Action, messages_visible
from caredesk.core.errors import Forbidden, InvalidRequest, NotFound
from caredesk.replies.render import placeholders_refusal
from caredesk.tickets.attachments import Upload, reply_attachments_max_bytes
from caredesk.tickets.models import Message
from caredesk.tickets.selectors import ticket_get
from caredesk.tickets.split import ticket_split
from caredesk.workspace.drafts import (
    StaleDraft,
    draft_discard,
    draft_save,
    draft_saved_label,
    draft_send,
)
from caredesk.workspace.views._common import agent_of, principal_of_request, refused


class TotalSizeLimit(FileUploadHandler):
    """Stops reading files once they come to more than the limit, so an oversized upload is
    refused without being written to disk; the request is read to its end, so the browser gets
    the answer rather than a reset connection."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


@csrf_exempt  # checked in _reply, once the upload handlers are in place (Django's pattern)
@login_required
@require_POST
def reply(request: HttpRequest, ref: int) -> HttpResponseBase:
    limit = TotalSizeLimit(request, reply_attachments_max_bytes())
    request.upload_handlers.insert(0, limit)
    return _reply(request, ref, limit)


def _composing(kind: str) -> Action:
    """What the composer's `kind` asks the access policy for."""
    return Action.NOTE if kind == "note" else Action.REPLY


@csrf_protect
def _reply(request: HttpRequest, ref: int, limit: TotalSizeLimit) -> HttpResponseBase:
    agent = agent_of(request)
    kind = request.POST.get("kind", "reply")
    try:
        ticket = ticket_get(
            reference=ref, principal=principal_of_request(request), action=_composing(kind)
        )
    except (NotFound, Forbidden) as exc:
        return refused(request, exc)
    text = request.POST.get("text", "")
    cc = request.POST.get("cc", "")
    status_after = request.POST.get("status_after", "")
    template = _template_fields(request)

    def keep_as_draft() -> None:
        draft_save(
            agent=agent,
            ticket=ticket,
            kind=kind,
            text=text,
            cc=cc,
            status_after=status_after,
            **template,
        )

    try:
        if limit.exceeded:
            # The form puts the files last, so what was written arrived before them.
            keep_as_draft()
            raise InvalidRequest(
                f"the files come to more than {limit.limit // 1024 // 1024} MB, "
                "the most one message can carry (what you wrote is kept as a draft)"
            )
        refusal = placeholders_refusal(text) if kind != "note" else ""
        if refusal:
            # A template's variable this ticket had no value for: the customer must not
            # read "[missing: customer.first_name]".
            keep_as_draft()
            raise InvalidRequest(f"{refusal} (what you wrote is kept as a draft)")
        files = [
            Upload(f.name or "", f.content_type or "", f.read())
            for f in request.FILES.getlist("attachments")
        ]
        done = draft_send(
            agent=agent,
            ticket=ticket,
            kind=kind,
            text=text,
            cc=cc,
            status_after=status_after,
            attachments=files,
            since=_since(request.POST.get("since")),
            **template,
        )
    except InvalidRequest as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("workspace:ticket", ref=ticket.pk)


def _since(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


class TemplateFields(TypedDict):
    template: int | None
    macro_dropped: bool


def _template_fields(request: HttpRequest) -> TemplateFields:
    """The composer's hidden fields (templates.js): the template inserted last, and whether
    the agent dropped its macro."""
    value = request.POST.get("template", "")
    return {
        "template": int(value) if value.isascii() and value.isdigit() and len(value) < 11 else None,
        "macro_dropped": request.POST.get("macro") == "drop",
    }


@login_required
@require_POST
def draft(request: HttpRequest, ref: int) -> HttpResponse:
    """Save the composer (sent by the page as the agent types, and when it is closed)."""
    agent = agent_of(request)
    kind = request.POST.get("kind", "")
    try:
        ticket = ticket_get(
            reference=ref, principal=principal_of_request(request), action=_composing(kind)
        )
        saved = draft_save(
            agent=agent,
            ticket=ticket,
            kind=kind,
            text=request.POST.get("text", ""),
            cc=request.POST.get("cc", ""),
            status_after=request.POST.get("status_after", ""),
            since=_since(request.POST.get("since")),
            **_template_fields(request),
        )
    except NotFound as exc:
        return JsonResponse({"error": str(exc)}, status=404)
    except Forbidden as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    except StaleDraft as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    except InvalidRequest as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    label = draft_saved_label(draft=saved, agent=agent) if saved is not None else ""
    return JsonResponse({"saved": label})


@login_required
@require_POST
def discard(request: HttpRequest, ref: int) -> HttpResponseBase:
    """The "Discard draft" button: from the page's script (204), or a plain form (redirect)."""
    agent = agent_of(request)
    try:
        ticket = ticket_get(reference=ref, principal=principal_of_request(request))
    except NotFound as exc:
        return refused(request, exc)
    draft_discard(agent=agent, ticket=ticket)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    messages.success(request, "Draft discarded.")
    return redirect("workspace:ticket", ref=ticket.pk)


@login_required
@require_POST
def split(request: HttpRequest, ref: int, pk: int) -> HttpResponseBase:
    """Split one of the ticket's customer messages off into a new ticket, and go there."""
    agent = agent_of(request)
    principal = principal_of_request(request)
    try:
        ticket = ticket_get(reference=ref, principal=principal, action=Action.SPLIT)
        message = Message.objects.filter(messages_visible(principal), pk=pk, ticket=ticket).first()
        if message is None:
            raise NotFound(f"there is no message {pk} on #{ticket.pk}")
    except (NotFound, Forbidden) as exc:
        return refused(request, exc)
    try:
        new = ticket_split(message=message, actor=agent)
    except InvalidRequest as exc:
        messages.error(request, str(exc))
        return redirect("workspace:ticket", ref=ticket.pk)
    messages.success(request, f"Split into #{new.pk}, a ticket of its own.")
    return redirect("workspace:ticket", ref=new.pk)
