"""The access policy: who may see and do what to tickets and everything that hangs off them.

Each kind of thing has up to three answers, all from the same rule:

- `<things>_visible(principal, via="")`: a Q object selecting the rows the principal may see,
  for lists and counts. `via` is the path from the model being queried to the thing's fields,
  e.g. `tickets_visible(principal, via="message__ticket__")` on attachments.
- `<thing>_permits(principal, thing, action)`: whether the principal may do `action` to one
  thing already in memory.
- `<thing>_check(principal, thing, action)`: the same, raising NotFound when the principal may
  not even see the thing (the answer a missing thing gets, so a refusal never tells that it
  exists) and Forbidden when they may see it but not do this.

The rules refer to other apps' models only through the Protocols below and field names, so that
every app (services, admin modules, interfaces) can call them: this package imports nothing of
caredesk but `core` and `accounts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from django.db.models import Q

from caredesk.access.principals import AgentPrincipal, CustomerPrincipal, Principal
from caredesk.core.errors import Forbidden, NotFound


class Action(StrEnum):
    VIEW = "view"  # see it (open, list, count, download)
    REPLY = "reply"  # email the customer on a ticket
    NOTE = "note"  # add an internal note to a ticket
    CHANGE = "change"  # a ticket's fields (status, priority, team, category, tags, assignee);
    # a draft's, saved view's, template's or article's content; a notification read
    MERGE = "merge"  # merge a ticket into another (both ends need it)
    SPLIT = "split"  # split a customer's message off a ticket into a new one
    DELETE = "delete"
    SHARE = "share"  # make a saved view everyone's
    USE = "use"  # put a template into a reply
    REVIEW = "review"  # approve a template, publish an article
    REPROCESS = "reprocess"  # run a stored email through intake again


@dataclass(frozen=True)
class Decision:
    visible: bool
    refusal: str = ""  # why not, when the principal sees the thing but may not do this

    @property
    def allowed(self) -> bool:
        return self.visible and not self.refusal


HIDDEN = Decision(visible=False)
ALLOWED = Decision(visible=True)


def enforce(decision: Decision, *, missing: str) -> None:
    if not decision.visible:
        raise NotFound(missing)
    if decision.refusal:
        raise Forbidden(decision.refusal)


# No rows at all, whichever model is queried (Django answers it without a query).
NOTHING = Q(pk__in=[])


def as_agent(principal: Principal) -> AgentPrincipal | None:
    return principal if isinstance(principal, AgentPrincipal) else None


# --- tickets ------------------------------------------------------------------------------


class TicketLike(Protocol):
    @property
    def pk(self) -> Any: ...
    @property
    def team_id(self) -> int | None: ...
    @property
    def assignee_id(self) -> int | None: ...
    @property
    def customer_id(self) -> int: ...


# What an agent may do to a ticket they see; customers may read their own and answer on them.
AGENT_TICKET_ACTIONS = frozenset(
    {Action.VIEW, Action.REPLY, Action.NOTE, Action.CHANGE, Action.MERGE, Action.SPLIT}
)
CUSTOMER_TICKET_ACTIONS = frozenset({Action.VIEW, Action.REPLY})


def tickets_visible(principal: Principal, via: str = "") -> Q:
    """Supervisors and admins: every ticket. Agents: their teams' tickets, tickets no team
    holds yet (so new mail can be triaged), and tickets assigned to them. Customers: their own.
    """
    agent = as_agent(principal)
    if agent is not None:
        if agent.is_manager:
            return Q()
        return (
            Q(**{f"{via}team__isnull": True})
            | Q(**{f"{via}team__in": agent.teams_for_query()})
            | Q(**{f"{via}assignee": agent.id})
        )
    if isinstance(principal, CustomerPrincipal):
        return Q(**{f"{via}customer": principal.customer_id})
    return NOTHING


def _ticket_seen(principal: Principal, ticket: TicketLike) -> bool:
    agent = as_agent(principal)
    if agent is not None:
        return (
            agent.is_manager
            or ticket.team_id is None
            or ticket.assignee_id == agent.id
            or ticket.team_id in agent.team_ids
        )
    if isinstance(principal, CustomerPrincipal):
        return ticket.customer_id == principal.customer_id
    return False


def ticket_decide(principal: Principal, ticket: TicketLike, action: Action) -> Decision:
    if not _ticket_seen(principal, ticket):
        return HIDDEN
    allowed = AGENT_TICKET_ACTIONS if as_agent(principal) else CUSTOMER_TICKET_ACTIONS
    if action not in allowed:
        return Decision(visible=True, refusal=f"you may not {action} this ticket")
    return ALLOWED


def ticket_permits(principal: Principal, ticket: TicketLike, action: Action) -> bool:
    return ticket_decide(principal, ticket, action).allowed


def ticket_check(principal: Principal, ticket: TicketLike, action: Action) -> None:
    enforce(ticket_decide(principal, ticket, action), missing=f"there is no ticket #{ticket.pk}")


# --- messages and attachments -------------------------------------------------------------

# Message kinds only agents see (caredesk.tickets.models.MessageKind.NOTE; a test keeps the two
# in step).
INTERNAL_KINDS = ("note",)


class MessageLike(Protocol):
    @property
    def pk(self) -> Any: ...
    @property
    def kind(self) -> str: ...
    @property
    def ticket(self) -> TicketLike: ...


def conversation_visible(principal: Principal, via: str = "") -> Q:
    """Which entries of a ticket's conversation the principal sees, once they see the ticket
    (for reading one ticket's messages): agents all of them, customers all but internal notes.
    """
    if isinstance(principal, CustomerPrincipal):
        return ~Q(**{f"{via}kind__in": INTERNAL_KINDS})
    return Q() if as_agent(principal) is not None else NOTHING


def messages_visible(principal: Principal, via: str = "") -> Q:
    """The messages of the tickets the principal sees; never internal notes for customers."""
    return tickets_visible(principal, via=f"{via}ticket__") & conversation_visible(principal, via)


def attachments_visible(principal: Principal, via: str = "") -> Q:
    """Files go with the message they came or went with."""
    return messages_visible(principal, via=f"{via}message__")


def originals_visible(principal: Principal, via: str = "") -> Q:
    """The original emails (raw, as received) of the messages an agent sees: whoever may read a
    customer's email on a ticket may read it as it arrived, headers and all, to check what a
    page shows. `via` leads from the model queried to the message (the intake row's
    `ticket_message__`). Customers read their conversation, not the record of its delivery."""
    if as_agent(principal) is None:
        return NOTHING
    return messages_visible(principal, via=via)


def message_decide(principal: Principal, message: MessageLike, action: Action) -> Decision:
    if isinstance(principal, CustomerPrincipal) and message.kind in INTERNAL_KINDS:
        return HIDDEN
    ticket = ticket_decide(principal, message.ticket, action)
    return ticket if ticket.visible else HIDDEN


def message_permits(principal: Principal, message: MessageLike, action: Action) -> bool:
    return message_decide(principal, message, action).allowed


def message_check(principal: Principal, message: MessageLike, action: Action) -> None:
    enforce(message_decide(principal, message, action), missing=f"there is no message {message.pk}")


# --- raw email and the intake log ---------------------------------------------------------

INTAKE_ACTIONS = frozenset({Action.VIEW, Action.REPROCESS})


def intake_visible(principal: Principal) -> Q:
    """Raw email holds every customer's data, quarantined mail included: admins only."""
    agent = as_agent(principal)
    return Q() if agent is not None and agent.is_admin else NOTHING


def intake_decide(principal: Principal, action: Action) -> Decision:
    agent = as_agent(principal)
    if agent is None or not agent.is_admin:
        return HIDDEN
    if action not in INTAKE_ACTIONS:
        return Decision(visible=True, refusal=f"intake rows are a record; you may not {action} one")
    return ALLOWED


def intake_permits(principal: Principal, action: Action) -> bool:
    return intake_decide(principal, action).allowed


def intake_check(principal: Principal, action: Action, *, missing: str) -> None:
    """`missing` is what a missing row would answer ("there is no inbound message 12")."""
    enforce(intake_decide(principal, action), missing=missing)


# --- the Django admin ---------------------------------------------------------------------


def admin_site_permits(principal: Principal) -> bool:
    """Whether the Django admin is open to `principal` at all: to admins (all of it: mailboxes,
    teams, agents, SLA settings, the raw records) and to supervisors (the pages of
    ADMIN_APPS_FOR_SUPERVISORS alone; `admin_page_permits` says which page)."""
    agent = as_agent(principal)
    return agent is not None and agent.is_manager


# What supervisors may open in the admin: the index (which lists only what they may use) and
# the pages of these apps, whose ModelAdmins ask the policy for every permission.
ADMIN_APPS_FOR_SUPERVISORS = frozenset({"glossary"})
ADMIN_SITE_PAGES_FOR_SUPERVISORS = frozenset({"index", "jsi18n"})


def admin_page_permits(principal: Principal, *, page: str, app_label: str) -> bool:
    """One page of the Django admin: `page` its URL name, `app_label` the app of the model (or
    app list) it shows, empty for the site's own pages. Admins: every page. Supervisors: the
    index and the pages of ADMIN_APPS_FOR_SUPERVISORS."""
    agent = as_agent(principal)
    if agent is None or not agent.is_manager:
        return False
    if agent.is_admin:
        return True
    if app_label:
        return app_label in ADMIN_APPS_FOR_SUPERVISORS
    return page in ADMIN_SITE_PAGES_FOR_SUPERVISORS


# --- drafts and notifications: their agent's alone ----------------------------------------


class DraftLike(Protocol):
    @property
    def agent_id(self) -> int: ...


class NotificationLike(Protocol):
    @property
    def agent_id(self) -> int: ...


OWNER_ACTIONS = frozenset({Action.VIEW, Action.CHANGE, Action.DELETE})


def _own(principal: Principal, via: str) -> Q:
    agent = as_agent(principal)
    return Q(**{f"{via}agent": agent.id}) if agent is not None else NOTHING


def drafts_visible(principal: Principal, via: str = "") -> Q:
    """A draft is what its agent is writing: nobody else sees it, not even supervisors."""
    return _own(principal, via)


def notifications_visible(principal: Principal, via: str = "") -> Q:
    return _own(principal, via)


def _owned_decide(principal: Principal, owner_id: int, action: Action, what: str) -> Decision:
    agent = as_agent(principal)
    if agent is None or agent.id != owner_id:
        return HIDDEN
    if action not in OWNER_ACTIONS:
        return Decision(visible=True, refusal=f"you may not {action} a {what}")
    return ALLOWED


def draft_decide(principal: Principal, draft: DraftLike, action: Action) -> Decision:
    return _owned_decide(principal, draft.agent_id, action, "draft")


def draft_permits(principal: Principal, draft: DraftLike, action: Action) -> bool:
    return draft_decide(principal, draft, action).allowed


def notification_decide(
    principal: Principal, notification: NotificationLike, action: Action
) -> Decision:
    return _owned_decide(principal, notification.agent_id, action, "notification")


def notification_permits(
    principal: Principal, notification: NotificationLike, action: Action
) -> bool:
    return notification_decide(principal, notification, action).allowed


# --- saved inbox views --------------------------------------------------------------------


class SavedViewLike(Protocol):
    @property
    def pk(self) -> Any: ...
    @property
    def owner_id(self) -> int: ...
    @property
    def shared(self) -> bool: ...


def saved_views_visible(principal: Principal, via: str = "") -> Q:
    """An agent's own views, and the views shared with every agent."""
    agent = as_agent(principal)
    if agent is None:
        return NOTHING
    return Q(**{f"{via}owner": agent.id}) | Q(**{f"{via}shared": True})


def saved_view_decide(principal: Principal, view: SavedViewLike, action: Action) -> Decision:
    agent = as_agent(principal)
    if agent is None or not (view.owner_id == agent.id or view.shared):
        return HIDDEN
    if action == Action.VIEW:
        return ALLOWED
    if action == Action.SHARE:
        if agent.is_manager:
            return ALLOWED
        return Decision(visible=True, refusal="only supervisors and admins share views")
    if action in (Action.CHANGE, Action.DELETE):
        if view.owner_id == agent.id or agent.is_manager:
            return ALLOWED
        return Decision(
            visible=True,
            refusal=f"only its owner, a supervisor or an admin can {action} this view",
        )
    return Decision(visible=True, refusal=f"you may not {action} a saved view")


def saved_view_permits(principal: Principal, view: SavedViewLike, action: Action) -> bool:
    return saved_view_decide(principal, view, action).allowed


def saved_view_check(principal: Principal, view: SavedViewLike, action: Action) -> None:
    enforce(saved_view_decide(principal, view, action), missing=f"there is no saved view {view.pk}")


# --- customers ----------------------------------------------------------------------------

# What of a customer each kind of agent may correct on the customer's page. Name, language and
# time zone are what an agent learns answering them; the organisation, tier and VIP decide SLA
# policies and priorities across the desk, so supervisors and admins set those.
CUSTOMER_FIELDS_AGENT = frozenset({"name", "language", "timezone"})
CUSTOMER_FIELDS_MANAGER = CUSTOMER_FIELDS_AGENT | {"organisation", "tier", "vip"}


def customers_visible(principal: Principal, via: str = "") -> Q:
    """Supervisors and admins: every customer. Agents: the customers with a ticket they see
    (join it with `.distinct()`, or use it in a subquery). Customers: themselves."""
    agent = as_agent(principal)
    if agent is not None:
        if agent.is_manager:
            return Q()
        # A customer with no ticket at all must not pass for one whose ticket no team holds.
        has_ticket = Q(**{f"{via}tickets__isnull": False})
        return has_ticket & tickets_visible(principal, via=f"{via}tickets__")
    if isinstance(principal, CustomerPrincipal):
        return Q(**{f"{via}pk": principal.customer_id})
    return NOTHING


def customer_fields_editable(principal: Principal) -> frozenset[str]:
    """The customer fields `principal` may change on a customer they see."""
    agent = as_agent(principal)
    if agent is None:
        return frozenset()
    return CUSTOMER_FIELDS_MANAGER if agent.is_manager else CUSTOMER_FIELDS_AGENT


def customer_change_check(principal: Principal, fields: set[str] | frozenset[str]) -> None:
    """Forbidden, naming them, when `fields` holds fields `principal` may not change (call it
    once the customer is known to be visible to them)."""
    refused = sorted(set(fields) - customer_fields_editable(principal))
    if refused:
        raise Forbidden(
            f"only supervisors and admins change a customer's {', '.join(refused)}"
            if as_agent(principal) is not None
            else "you may not change customers"
        )
