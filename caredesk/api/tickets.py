"""Tickets over HTTP: list, read, reply, note, change status.

Permissions: for now every active agent with a token may see and act on every ticket. Team
permissions arrive with workspaces; when they do, the selectors here take the acting agent.

Endpoints stay thin: reads are `caredesk.tickets.selectors`, writes the same services the UI and
email processing use; caredesk's InvalidRequest and NotFound become 400 and 404 in `urls.py`.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.http import HttpRequest
from ninja import P, PathEx, Query, Router, Status

from caredesk.accounts.models import Agent
from caredesk.accounts.selectors import agent_get, team_get
from caredesk.api.pagination import paginate
from caredesk.api.schemas import (
    MAX_ID,
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
from caredesk.sla.selectors import sla_views
from caredesk.tickets.history import events_described
from caredesk.tickets.models import Ticket
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.selectors import message_get, ticket_get, ticket_get_detailed, ticket_list
from caredesk.tickets.services import (
    ticket_add_note,
    ticket_assign,
    ticket_set_priority,
    ticket_set_properties,
    ticket_set_status,
)

router = Router(tags=["tickets"])

Ref = PathEx[int, P(ge=1, le=MAX_ID, description="the ticket number, as in #123")]
ERRORS: dict[int, Any] = {400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def _agent(request: HttpRequest) -> Agent:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    return agent


@router.get("", response={200: TicketPage, 400: ErrorOut, 422: ValidationErrorOut})
def list_tickets(request: HttpRequest, filters: Query[TicketFilter]) -> dict[str, Any]:
    """Tickets, most recent activity first."""
    tickets = ticket_list(
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
        ticket.sla_view = views.get(ticket.pk)  # type: ignore[attr-defined]


def _detailed(ref: int) -> Ticket:
    ticket = ticket_get_detailed(reference=ref)
    _with_sla([ticket])
    events = list(ticket.events.all())
    for event, text in zip(events, events_described(events, zone=UTC).values(), strict=True):
        event.text = text  # type: ignore[attr-defined]
    return ticket


@router.get("/{ref}", response={200: TicketDetailOut, **ERRORS})
def get_ticket(request: HttpRequest, ref: Ref) -> Any:
    """One ticket with its participants, conversation (with delivery state), event log and SLA
    timers."""
    return _detailed(ref)


@router.post("/{ref}/replies", response={201: MessageOut, **ERRORS})
def reply(request: HttpRequest, ref: Ref, body: ReplyIn) -> Status[Any]:
    """Email the customer. The reply is queued for delivery once it is saved."""
    message = ticket_reply(
        ticket=ticket_get(reference=ref),
        author=_agent(request),
        text=body.text,
        cc=body.cc,
        status_after=body.status_after,
    )
    return Status(201, message_get(message_id=message.pk))


@router.post("/{ref}/notes", response={201: MessageOut, **ERRORS})
def add_note(request: HttpRequest, ref: Ref, body: NoteIn) -> Status[Any]:
    """An internal note: seen by agents only, never emailed."""
    note = ticket_add_note(ticket=ticket_get(reference=ref), author=_agent(request), text=body.text)
    return Status(201, message_get(message_id=note.pk))


@router.post("/{ref}/status", response={200: TicketDetailOut, **ERRORS})
def set_status(request: HttpRequest, ref: Ref, body: StatusIn) -> Any:
    """Move the ticket to another status, if the state table allows it."""
    ticket_set_status(ticket=ticket_get(reference=ref), status=body.status, actor=_agent(request))
    return _detailed(ref)


@router.post("/{ref}/priority", response={200: TicketDetailOut, **ERRORS})
def set_priority(request: HttpRequest, ref: Ref, body: PriorityIn) -> Any:
    """Override the priority, saying why. SLA policies that match on priority apply at once."""
    ticket_set_priority(
        ticket=ticket_get(reference=ref),
        priority=body.priority,
        actor=_agent(request),
        reason=body.reason,
    )
    return _detailed(ref)


@router.post("/{ref}/properties", response={200: TicketDetailOut, **ERRORS})
def set_properties(request: HttpRequest, ref: Ref, body: PropertiesIn) -> Any:
    """Change the team, category or tags; only the fields sent change."""
    sent = body.model_fields_set
    changes: dict[str, Any] = {}
    if "team" in sent:
        changes["team"] = team_get(name=body.team) if body.team is not None else None
    if "category" in sent:
        changes["category"] = body.category or ""
    if "tags" in sent:
        changes["tags"] = body.tags or []
    ticket_set_properties(ticket=ticket_get(reference=ref), actor=_agent(request), **changes)
    return _detailed(ref)


@router.post("/{ref}/assignee", response={200: TicketDetailOut, **ERRORS})
def assign(request: HttpRequest, ref: Ref, body: AssigneeIn) -> Any:
    """Give the ticket to an agent (by email), or to nobody with null."""
    agent = agent_get(email=body.agent) if body.agent is not None else None
    ticket_assign(ticket=ticket_get(reference=ref), agent=agent, actor=_agent(request))
    return _detailed(ref)
