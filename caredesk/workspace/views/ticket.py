"""A ticket's page and what it loads: presence, a message's HTML, attachments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from caredesk.access import attachments_visible, messages_visible, tickets_visible
from caredesk.accounts.models import Agent, Team
from caredesk.core.downloads import file_download
from caredesk.core.errors import NotFound
from caredesk.history.kinds import EventKind
from caredesk.inbound._html import sanitize_html
from caredesk.replies.selectors import macro_described
from caredesk.sla.selectors import sla_views
from caredesk.tickets.bodies import body_shown_chars, message_bodies, with_bodies_cut
from caredesk.tickets.customer_context import customer_context
from caredesk.tickets.models import (
    INBOUND_KINDS,
    Attachment,
    Message,
    MessageKind,
    Priority,
    Status,
    Ticket,
)
from caredesk.tickets.replies import reply_recipients
from caredesk.tickets.selectors import ticket_get, ticket_get_detailed
from caredesk.workspace.conversation import history, inline_images, timeline
from caredesk.workspace.drafts import draft_get, draft_saved_label, draft_template
from caredesk.workspace.presence import presence_leave, presence_report
from caredesk.workspace.timezones import agent_zone
from caredesk.workspace.views._common import agent_of, principal_of_request, refused


@login_required
def ticket(request: HttpRequest, ref: int) -> HttpResponse:
    principal = principal_of_request(request)
    try:
        found = ticket_get_detailed(reference=ref, principal=principal)
    except NotFound as exc:
        return refused(request, exc)
    return ticket_page(request, found)


@dataclass(frozen=True)
class MergeForm:
    """The panel's merge form as the agent filled it in, and why it was refused."""

    into: str = ""
    reason: str = ""
    error: str = ""


@dataclass(frozen=True)
class MergedNote:
    """Where a merged ticket went, who merged it and when."""

    into: int
    by: str
    at: datetime | None
    why: str


def _merged_note(found: Ticket) -> MergedNote | None:
    if found.merged_into_id is None:
        return None
    merges = [e for e in found.events.all() if e.kind == EventKind.MERGED_INTO]
    last = max(merges, key=lambda e: (e.created_at, e.pk), default=None)
    by = last.actor.name if last is not None and last.actor is not None else "caredesk"
    return MergedNote(
        into=found.merged_into_id,
        by=by,
        at=last.created_at if last is not None else None,
        why=str(last.data.get("why", "")) if last is not None else "",
    )


def ticket_page(
    request: HttpRequest, found: Ticket, *, merge: MergeForm | None = None, status: int = 200
) -> HttpResponse:
    """A ticket's page; `merge` keeps what the agent typed in a refused merge (`status` 4xx)."""
    principal = principal_of_request(request)
    sla = sla_views(tickets=[found]).get(found.pk)
    draft = draft_get(agent=agent_of(request), ticket=found)
    made_from = draft_template(draft=draft, agent=agent_of(request)) if draft else None
    shown = [m.pk for m in found.messages.all()]
    for message in found.messages.all():
        # Not a field: the bodies as far as the page shows them (caredesk.tickets.bodies).
        message.bodies = message_bodies(message)  # type: ignore[attr-defined]
    zone = agent_zone(agent_of(request))
    entries = timeline(found, zone=zone)
    merged = _merged_note(found)
    context = {
        "ticket": found,
        "sla": sla,
        "zone": zone,
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "teams": Team.objects.order_by("name"),
        "agents": Agent.objects.filter(is_active=True).order_by("name"),
        "tags": ", ".join(sorted(t.name for t in found.tags.all())),
        "last_shown": max(shown, default=0),
        "timeline": entries,
        "history": history(found, zone=zone),
        # The customer's other tickets and last contact: only from tickets the agent may see.
        "others": found.customer.tickets.filter(tickets_visible(principal))
        .exclude(pk=found.pk)
        .order_by("-updated_at")[:10],
        "last_contact": Message.objects.filter(
            messages_visible(principal),
            ticket__customer=found.customer_id,
            kind=MessageKind.CUSTOMER,
        ).aggregate(last=Max("created_at"))["last"],
        "splittable": sum(m.kind == MessageKind.CUSTOMER for m in found.messages.all()) > 1
        and merged is None,
        # Solving a ticket nobody replied to asks first (its first reply counts as not met).
        "answered": any(m.kind == MessageKind.REPLY for m in found.messages.all()),
        "merged": merged,
        "merge": merge or MergeForm(),
        # Beside the draft: this customer's earlier tickets like this one, and what they tried.
        "customer_context": None if merged else customer_context(ticket=found, principal=principal),
        "draft": draft,
        "draft_saved": draft_saved_label(draft=draft, agent=agent_of(request)) if draft else "",
        # The template the draft was made from and what its macro sets on send (templates.js).
        "draft_template": made_from,
        "draft_macro": [{"key": k, "text": t} for k, t in macro_described(made_from)]
        if made_from is not None
        else [],
        "attachments_max_mb": settings.CAREDESK_REPLY_ATTACHMENTS_MAX_MB,
        "shown_chars": body_shown_chars(),
        "inbound_kinds": INBOUND_KINDS,
        "recipients": reply_recipients((p.address, p.role) for p in found.participants.all()),
    }
    return render(request, "workspace/ticket.html", context, status=status)


@login_required
@require_POST
def presence(request: HttpRequest, ref: int) -> HttpResponse:
    """Heartbeat from an open ticket page; answers with who else is on the ticket."""
    agent = agent_of(request)
    try:
        found = ticket_get(reference=ref, principal=principal_of_request(request))
    except NotFound as exc:
        return HttpResponse(str(exc), status=404)
    if request.POST.get("leaving"):
        presence_leave(ticket=found, agent=agent)
        return HttpResponse(status=204)
    since = request.POST.get("since", "0")
    report = presence_report(
        ticket=found,
        agent=agent,
        composing=request.POST.get("composing") == "1",
        since=int(since) if since.isdigit() else 0,
    )
    return render(request, "workspace/presence.html", {"presence": report})


@login_required
@xframe_options_sameorigin
def message_html(request: HttpRequest, pk: int) -> HttpResponse:
    """A customer email's (sanitised) HTML, for a sandboxed frame on the ticket page.

    Remote images stay blocked by the Content-Security-Policy until the agent asks for them
    (`?images=1`): loading them tells the sender the email was read, and from where. Pictures
    sent inside the email (cid:) are served from caredesk itself. A message the agent may not
    see is answered exactly as a missing one. Past CAREDESK_BODY_SHOWN_CHARS characters the
    HTML is cut, as the text is on the page."""
    visible = Message.objects.filter(messages_visible(principal_of_request(request)), pk=pk)
    message = with_bodies_cut(visible).first()
    html = message_bodies(message).html if message is not None else None
    if message is None or html is None or not html.length:
        return HttpResponse(f"there is no HTML message {pk}", status=404, content_type="text/plain")
    # A long email's HTML is cut like its text; cleaning the cut again closes what the cut left
    # open (an element, an attribute), so the frame gets well-formed markup. The ticket page
    # says it is cut and offers the original.
    shown = sanitize_html(html.shown) if html.truncated else html.shown
    html_shown = inline_images(message, shown)
    remote = " https: http:" if request.GET.get("images") == "1" else ""
    response = HttpResponse(
        "<!doctype html><meta charset=utf-8><base target=_blank>" + html_shown,
        content_type="text/html; charset=utf-8",
    )
    response["Content-Security-Policy"] = (
        f"default-src 'none'; img-src 'self' data:{remote}; style-src 'unsafe-inline'; "
        "font-src 'none'; frame-ancestors 'self'; form-action 'none'; base-uri 'none'"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An attachment, if the agent may see its message, with headers that keep a hostile file
    from running in caredesk's origin: pictures (PNG, JPEG, GIF, WebP, proved by their bytes)
    show in the browser, the rest download (`?download` downloads a picture too). One they may
    not see is answered exactly as a missing one (never naming its ticket)."""
    found = Attachment.objects.filter(attachments_visible(principal_of_request(request)), pk=pk)
    attachment = found.first()
    if attachment is None:
        return refused(request, NotFound(f"there is no attachment {pk}"))
    return file_download(
        attachment.file.open("rb"),
        filename=attachment.filename,
        content_type=attachment.content_type,
        download=request.GET.get("download") is not None,
    )
