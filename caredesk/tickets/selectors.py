"""Reads of tickets and their conversation, shaped for the API and the agent UI.

Every selector returns what its caller will walk over with the related rows already loaded, so
a list of fifty tickets costs a fixed handful of queries rather than one per ticket.
"""

from __future__ import annotations

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from caredesk.access import (
    Action,
    Principal,
    conversation_visible,
    messages_visible,
    ticket_check,
    tickets_visible,
)
from caredesk.core.errors import InvalidRequest, NotFound
from caredesk.core.ordering import Key
from caredesk.customers.models import CustomerAddress
from caredesk.tickets.bodies import with_bodies_cut
from caredesk.tickets.models import (
    Message,
    Participant,
    PriorityPhrase,
    SlaState,
    Status,
    Ticket,
    TicketEvent,
)
from caredesk.tickets.priority import DEFAULT_PHRASES, PhraseSignal, PriorityRules

# The largest value a primary key (BigAutoField) can hold; anything above cannot exist.
MAX_ID = 2**63 - 1


def _messages(visible: Q) -> QuerySet[Message]:
    # Bodies cut by the database (caredesk.tickets.bodies): one 30 MB email must not make
    # every read of its ticket 30 MB.
    return (
        with_bodies_cut(Message.objects.filter(visible))
        .select_related("outbound", "author")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def _message_count() -> Coalesce:
    # A correlated subquery rather than Count("messages") over a join: the page query needs no
    # GROUP BY over every ticket column, and counting the matches does not touch messages at all.
    per_ticket = (
        Message.objects.filter(ticket=OuterRef("pk"))
        .order_by()
        .values("ticket")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(per_ticket, output_field=IntegerField()), 0)


# What needs attention first: the most urgent priority, then the earliest SLA due time
# (tickets without a running target after those with one), then the longest waiting. The
# inbox's views and the API's `sort=due` both use it; the `ticket_attention` index holds
# tickets in this order, so a page of it is read from the index rather than sorted.
ATTENTION = (
    Key("priority_rank", descending=True),
    Key("sla_due_at", nullable=True),
    Key("created_at"),
    Key("id"),
)
# The most recently updated first: the API's `sort=activity` and the inbox's Solved view.
RECENT = (Key("updated_at", descending=True), Key("id", descending=True))

SORTS = {"activity": RECENT, "due": ATTENTION}


def ticket_list(
    *,
    principal: Principal,
    status: str | None = None,
    customer_address: str | None = None,
    sla_state: str | None = None,
    sort: str = "activity",
) -> QuerySet[Ticket]:
    """The tickets `principal` may see, each with `message_count`, its customer's addresses,
    team and tags.

    `customer_address` selects the tickets of the customer who owns that address (any of their
    addresses, not only tickets written from this one). `sort` is "activity" (`RECENT`: the
    most recently updated first) or "due" (`ATTENTION`: what needs attention first).
    """
    tickets = Ticket.objects.filter(tickets_visible(principal))
    if status is not None:
        if status not in Status.values:
            raise InvalidRequest(f"status must be one of {', '.join(Status.values)}")
        tickets = tickets.filter(status=status)
    if sla_state is not None:
        if sla_state not in SlaState.values:
            raise InvalidRequest(f"sla must be one of {', '.join(v for v in SlaState.values if v)}")
        tickets = tickets.filter(sla_state=sla_state)
    if customer_address is not None:
        owners = CustomerAddress.objects.filter(address=customer_address.strip().lower()).values(
            "customer_id"
        )
        tickets = tickets.filter(customer_id__in=owners)
    if sort not in SORTS:
        raise InvalidRequest(f"sort must be one of {', '.join(SORTS)}")
    return _shaped(tickets).order_by(*(key.order() for key in SORTS[sort]))


def _shaped(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return (
        tickets.select_related("customer", "team", "sla_policy")
        .prefetch_related("customer__addresses", "tags")
        .annotate(message_count=_message_count())
    )


def ticket_get(*, reference: int, principal: Principal, action: Action = Action.VIEW) -> Ticket:
    """One ticket by its number, without its conversation, if `principal` may do `action` to
    it: NotFound when they may not see it (as if it did not exist), Forbidden when they see it
    but may not do this."""
    ticket = Ticket.objects.filter(pk=reference).first() if 0 < reference <= MAX_ID else None
    if ticket is None:
        raise NotFound(f"there is no ticket #{reference}")
    ticket_check(principal, ticket, action)
    return ticket


def ticket_get_detailed(
    *, reference: int, principal: Principal, changed_by_them: bool = False
) -> Ticket:
    """One ticket `principal` may see, with everything shown about it: participants, the
    messages they may see with attachments and delivery state, and its event log.

    `changed_by_them`: `principal` has just changed this ticket, having been allowed to; the
    answer shows the ticket as their change left it even when the change took it out of their
    sight (moved to a team they are not in), so that it describes what they did."""
    found = _shaped(Ticket.objects.filter(pk=reference)) if 0 < reference <= MAX_ID else None
    ticket = found.select_related("assignee", "mailbox").first() if found is not None else None
    if ticket is None:
        raise NotFound(f"there is no ticket #{reference}")
    if not changed_by_them:
        ticket_check(principal, ticket, Action.VIEW)
    prefetch_related_objects(
        [ticket],
        Prefetch("participants", queryset=Participant.objects.order_by("created_at", "id")),
        Prefetch("messages", queryset=_messages(conversation_visible(principal))),
        Prefetch("events", queryset=TicketEvent.objects.select_related("actor")),
    )
    return ticket


def message_get(*, message_id: int, principal: Principal) -> Message:
    """One conversation entry `principal` may see, with its attachments and delivery state (its
    bodies cut as on a ticket's page)."""
    message = _messages(messages_visible(principal)).filter(pk=message_id).first()
    if message is None:
        raise NotFound(f"there is no message {message_id}")
    return message


def message_text_get(
    *, message_id: int, principal: Principal, ticket_reference: int | None = None
) -> str:
    """The whole plain-text body of a message `principal` may see (pages show its beginning);
    with `ticket_reference`, only if the message is on that ticket."""
    found = Message.objects.filter(messages_visible(principal), pk=message_id)
    if ticket_reference is not None:
        found = found.filter(ticket_id=ticket_reference)
    text = found.values_list("text", flat=True).first() if 0 < message_id <= MAX_ID else None
    if text is None:
        raise NotFound(f"there is no message {message_id}")
    return text


_rules_cache: tuple[tuple[tuple[str, str, str], ...], PriorityRules] | None = None


def priority_rules_current() -> PriorityRules:
    """The built-in priority signals plus the phrases admins added (one small query; the
    signals are compiled again only when those phrases changed)."""
    global _rules_cache
    rows = tuple(
        PriorityPhrase.objects.filter(active=True)
        .order_by("pk")
        .values_list("phrase", "priority", "label")
    )
    if _rules_cache is None or _rules_cache[0] != rows:
        extra = tuple(
            PhraseSignal(priority=priority, name=label or phrase, phrases=(phrase,))
            for phrase, priority, label in rows
            if phrase.strip()
        )
        _rules_cache = (rows, PriorityRules(phrases=(*DEFAULT_PHRASES, *extra)))
    return _rules_cache[1]
