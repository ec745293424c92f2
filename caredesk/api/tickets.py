"""Tickets over HTTP: list, read, reply, note, change status, priority, properties, assignee;
a long message's whole text and a message's original email.

Who may see and do what is caredesk.access's answer, the workspace's too: the selectors take the
token's principal, so a ticket the agent may not see is a 404, as if it did not exist.

Endpoints stay thin: reads are `caredesk.tickets.selectors`, writes the same services the UI and
email processing use; caredesk's InvalidRequest, Forbidden and NotFound become 400, 403 and 404
in `urls.py`.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import P, PathEx, Query, Router, Status

from caredesk.access import Action
from caredesk.accounts.models import Agent
from caredesk.accounts.selectors import agent_get, team_get
from caredesk.api.auth import principal_of_request
from caredesk.api.pagination import paginate
from caredesk.api.schemas import (
    ErrorOut,
    MessageOut,
    NoteIn,
    ReplyIn,
    StatusIn,
    TicketDetailOut,
    TicketFilter,
    TicketPage,
    ValidationErrorOut,
)
from caredesk.api.schemas_sla import AssigneeIn, PriorityIn, PropertiesIn
from caredesk.core.downloads import eml_download
from caredesk.core.errors import InvalidRequest
from caredesk.inbound.selectors import message_original_get
from caredesk.replies.render import placeholders_refusal
from caredesk.replies.sending import ticket_reply_from_template
from caredesk.sla.selectors import sla_views
from caredesk.tickets.history import events_described
from caredesk.tickets.models import Ticket
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.selectors import (
    MAX_ID,
    message_get,
    message_text_get,
    ticket_get,
    ticket_get_detailed,
    ticket_list,
)
from caredesk.tickets.services import (
    ticket_add_note,
    ticket_assign,
    ticket_set_priority,
    ticket_set_properties,
    ticket_set_status,
)

router = Router(tags=["tickets"])

Ref = PathEx[int, P(ge=1, le=MAX_ID, description="the ticket number, as in #123")]
MessageId = PathEx[int, P(ge=1, le=MAX_ID, description="the message's id, as in the ticket's")]
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def _agent(request: HttpRequest) -> Agent:
    # django-ninja sets `auth` on the request to what the route's authentication returned.
    agent: Agent = request.auth  # type: ignore[attr-defined]
    return agent


def _ticket(request: HttpRequest, ref: int, action: Action) -> Ticket:
    return ticket_get(reference=ref, principal=principal_of_request(request), action=action)


@router.get("", response={200: TicketPage, 400: ErrorOut, 422: ValidationErrorOut})
def list_tickets(request: HttpRequest, filters: Query[TicketFilter]) -> dict[str, Any]:
    """The tickets you may see, most recent activity first."""
    tickets = ticket_list(
        principal=principal_of_request(request),
        status=filters.status,
        customer_address=filters.customer,
        sla_state=filters.sla,
        sort=filters.sort,
    )
    page = paginate(tickets, limit=filters.limit, offset=filters.offset)
    _with_sla(page["items"])
    return page


def _with_sla(tickets: list[Ticket]) -> None:
    views = sla_views(tickets=tickets)
    for ticket in tickets:
        # Not a field: read by TicketOut's `sla`.
        ticket.sla_view = views.get(ticket.pk)  # type: ignore[attr-defined]


def _detailed(request: HttpRequest, ref: int, *, changed: bool) -> Ticket:
    """The ticket for an answer. After a change the caller was allowed to make, it is shown as
    the change left it, even if that took it out of their sight."""
    principal = principal_of_request(request)
    ticket = ticket_get_detailed(reference=ref, principal=principal, changed_by_them=changed)
    _with_sla([ticket])
    events = list(ticket.events.all())
    for event, text in zip(events, events_described(events, zone=UTC).values(), strict=True):
        event.text = text  # type: ignore[attr-defined]  # not a field: read by EventOut
    return ticket


@router.get("/{ref}", response={200: TicketDetailOut, **ERRORS})
def get_ticket(request: HttpRequest, ref: Ref) -> Any:
    """One ticket with its participants, conversation (with delivery state), event log and SLA
    timers."""
    return _detailed(request, ref, changed=False)


def _binary(media_type: str, description: str) -> dict[str, Any]:
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {"responses": {"200": {"description": description, "content": content}}}


@router.get(
    "/{ref}/messages/{id}/text",
    response={200: None, **ERRORS},
    openapi_extra=_binary("text/plain", "the message's whole plain text, UTF-8"),
)
def message_text(request: HttpRequest, ref: Ref, id: MessageId) -> HttpResponse:
    """A message's whole plain text: the ticket's detail cuts long ones (`text_truncated`)."""
    text = message_text_get(
        message_id=id, principal=principal_of_request(request), ticket_reference=ref
    )
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@router.get(
    "/{ref}/messages/{id}/original",
    response={200: None, **ERRORS},
    openapi_extra=_binary("message/rfc822", "the email the message was made from, as received"),
)
def message_original(request: HttpRequest, ref: Ref, id: MessageId) -> HttpResponse:
    """The email a customer's message (or automatic reply) was made from, byte for byte, as a
    .eml file; 404 for messages caredesk wrote (replies, notes, acknowledgements)."""
    row = message_original_get(
        message_id=id, principal=principal_of_request(request), ticket_reference=ref
    )
    return eml_download(row.raw, f"message-{id}")


@router.post("/{ref}/replies", response={201: MessageOut, **ERRORS})
def reply(request: HttpRequest, ref: Ref, body: ReplyIn) -> Status[Any]:
    """Email the customer. The reply is queued for delivery once it is saved. A text still
    holding a template's `[missing: ...]` placeholder is refused (400). With `template`, the
    reply counts as a use of it and its macro changes the ticket in the same transaction."""
    ticket = _ticket(request, ref, Action.REPLY)
    refusal = placeholders_refusal(body.text)
    if refusal:
        raise InvalidRequest(refusal)
    if body.template is not None:
        message = ticket_reply_from_template(
            ticket=ticket,
            author=_agent(request),
            template_id=body.template,
            apply_macro=body.apply_macro,
            text=body.text,
            cc=body.cc,
            status_after=body.status_after,
        )
    else:
        message = ticket_reply(
            ticket=ticket,
            author=_agent(request),
            text=body.text,
            cc=body.cc,
            status_after=body.status_after,
        )
    return Status(201, message_get(message_id=message.pk, principal=principal_of_request(request)))


@router.post("/{ref}/notes", response={201: MessageOut, **ERRORS})
def add_note(request: HttpRequest, ref: Ref, body: NoteIn) -> Status[Any]:
    """An internal note: seen by agents only, never emailed."""
    ticket = _ticket(request, ref, Action.NOTE)
    note = ticket_add_note(ticket=ticket, author=_agent(request), text=body.text)
    return Status(201, message_get(message_id=note.pk, principal=principal_of_request(request)))


@router.post("/{ref}/status", response={200: TicketDetailOut, **ERRORS})
def set_status(request: HttpRequest, ref: Ref, body: StatusIn) -> Any:
    """Move the ticket to another status, if the state table allows it."""
    ticket = _ticket(request, ref, Action.CHANGE)
    ticket_set_status(ticket=ticket, status=body.status, actor=_agent(request))
    return _detailed(request, ref, changed=True)


@router.post("/{ref}/priority", response={200: TicketDetailOut, **ERRORS})
def set_priority(request: HttpRequest, ref: Ref, body: PriorityIn) -> Any:
    """Override the priority, saying why. SLA policies that match on priority apply at once."""
    ticket_set_priority(
        ticket=_ticket(request, ref, Action.CHANGE),
        priority=body.priority,
        actor=_agent(request),
        reason=body.reason,
    )
    return _detailed(request, ref, changed=True)


@router.post("/{ref}/properties", response={200: TicketDetailOut, **ERRORS})
def set_properties(request: HttpRequest, ref: Ref, body: PropertiesIn) -> Any:
    """Change the team, category or tags; only the fields sent change."""
    ticket = _ticket(request, ref, Action.CHANGE)
    sent = body.model_fields_set
    changes: dict[str, Any] = {}
    if "team" in sent:
        changes["team"] = team_get(name=body.team) if body.team is not None else None
    if "category" in sent:
        changes["category"] = body.category or ""
    if "tags" in sent:
        changes["tags"] = body.tags or []
    ticket_set_properties(ticket=ticket, actor=_agent(request), **changes)
    return _detailed(request, ref, changed=True)


@router.post("/{ref}/assignee", response={200: TicketDetailOut, **ERRORS})
def assign(request: HttpRequest, ref: Ref, body: AssigneeIn) -> Any:
    """Give the ticket to an agent (by email), or to nobody with null."""
    ticket = _ticket(request, ref, Action.CHANGE)
    agent = agent_get(email=body.agent) if body.agent is not None else None
    ticket_assign(ticket=ticket, agent=agent, actor=_agent(request))
    return _detailed(request, ref, changed=True)
