"""Reading saved replies: what the composer offers an agent, and a template rendered for a
ticket. Every read goes through the access policy (caredesk.access.content)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from caredesk.access import Action, Principal, template_check, templates_offered
from caredesk.accounts.models import Agent, Team
from caredesk.core import clock
from caredesk.core.errors import NotFound
from caredesk.core.text import first_name
from caredesk.core.vocabulary import Priority, Status
from caredesk.replies.models import ReplyTemplate, ReplyTemplateVariant
from caredesk.replies.render import Rendered, choose_language, render
from caredesk.sla.models import ACTIVE_STATES, SlaTimer, TimerKind
from caredesk.sla.promise import promise_phrase
from caredesk.tickets.models import Ticket

MAX_ID = 2**31 - 1
PICKER_LIMIT = 50


def template_offered_list(*, principal: Principal, query: str = "") -> list[ReplyTemplate]:
    """The templates the picker offers `principal`, matching every word of `query` in the
    name or in a variant's text (any case), by name."""
    rows: QuerySet[ReplyTemplate] = ReplyTemplate.objects.filter(templates_offered(principal))
    for word in query.replace("\x00", "").split()[:10]:  # PostgreSQL refuses NUL in text
        rows = rows.filter(
            Q(name__icontains=word)
            | Q(pk__in=ReplyTemplateVariant.objects.filter(body__icontains=word).values("template"))
        )
    return list(rows.prefetch_related("variants").order_by("name", "id")[:PICKER_LIMIT])


def template_get(*, pk: int, principal: Principal, action: Action = Action.VIEW) -> ReplyTemplate:
    """One template, if `principal` may do `action` to it (NotFound when they may not see it,
    Forbidden when they see it but may not do this)."""
    template = ReplyTemplate.objects.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if template is None:
        raise NotFound(f"there is no template {pk}")
    template_check(principal, template, action)
    return template


@dataclass(frozen=True)
class Preview:
    template: ReplyTemplate
    language: str  # of the variant used; empty when the template has no text yet
    rendered: Rendered

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.template.pk,
            "name": self.template.name,
            "language": self.language,
            "text": self.rendered.text,
            "missing": list(self.rendered.missing),
            "actions": self.template.actions,
            "macro": [{"key": key, "text": text} for key, text in macro_described(self.template)],
        }


def macro_described(template: ReplyTemplate) -> list[tuple[str, str]]:
    """What `template`'s macro sets, in words, one (field, words) pair per field, for the
    composer's "On send: status Pending · priority High · tags +refund"."""
    actions = template.actions if isinstance(template.actions, dict) else {}
    parts: list[tuple[str, str]] = []
    if actions.get("status") in Status.values:
        # "Pending", not "Pending (waiting on customer)": the line is short.
        label = Status(actions["status"]).label.split(" (")[0]
        parts.append(("status", f"status {label}"))
    if actions.get("priority") in Priority.values:
        parts.append(("priority", f"priority {Priority(actions['priority']).label}"))
    if "team" in actions:
        team = Team.objects.filter(pk=actions["team"]).first() if _id(actions["team"]) else None
        parts.append(("team", f"team {team.name}" if team else "team (one that no longer exists)"))
    if "assignee" in actions:
        agent = (
            Agent.objects.filter(pk=actions["assignee"], is_active=True).first()
            if _id(actions["assignee"])
            else None
        )
        parts.append(
            (
                "assignee",
                f"assign to {agent.name}" if agent else "assign to (an agent no longer active)",
            )
        )
    if isinstance(actions.get("category"), str):
        parts.append(("category", f"category {actions['category'] or '(none)'}"))
    tags = actions.get("tags")
    if isinstance(tags, list) and tags:
        parts.append(("tags", "tags " + " ".join(f"+{t}" for t in tags)))
    return parts


def _id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def template_variant_for(
    *, template: ReplyTemplate, customer_language: str, mailbox_language: str
) -> ReplyTemplateVariant | None:
    """The variant in the customer's language, else the mailbox's, else the first one."""
    variants = list(template.variants.all())
    language = choose_language(
        [v.language for v in variants],
        customer_language=customer_language,
        mailbox_language=mailbox_language,
    )
    return next((v for v in variants if v.language == language), None)


def template_preview(*, template: ReplyTemplate, ticket: Ticket, agent: Agent) -> Preview:
    """`template` rendered for `ticket` as `agent` would send it, in the customer's language."""
    variant = template_variant_for(
        template=template,
        customer_language=ticket.customer.language,
        mailbox_language=ticket.mailbox.language,
    )
    if variant is None:
        return Preview(template, "", Rendered("", ()))
    values = template_values(ticket=ticket, agent=agent, language=variant.language)
    return Preview(template, variant.language, render(variant.body, values))


def template_values(*, ticket: Ticket, agent: Agent, language: str) -> dict[str, str]:
    """The values a template may name, for one ticket: plain strings and nothing else, so a
    template reaches nothing beyond them (caredesk.replies.render)."""
    customer = ticket.customer
    return {
        "customer.name": customer.name.strip(),
        "customer.first_name": first_name(customer.name),
        "ticket.reference": ticket.reference,
        "ticket.subject": ticket.subject,
        "ticket.promised_reply": _promised_reply(ticket, language),
        "agent.name": agent.name,
        "agent.signature": agent.signature.strip(),
        "mailbox.name": ticket.mailbox.name,
    }


def _promised_reply(ticket: Ticket, language: str) -> str:
    """When a person is due to reply (the running reply target), as the acknowledgement words
    it, in the customer's time zone when known; empty when no reply target runs."""
    timer = (
        SlaTimer.objects.filter(
            ticket=ticket,
            kind__in=(TimerKind.FIRST_REPLY, TimerKind.NEXT_REPLY),
            state__in=ACTIVE_STATES,
            due_at__isnull=False,
        )
        .select_related("calendar")
        .order_by("due_at")
        .first()
    )
    if timer is None or timer.due_at is None:
        return ""
    for zone in (ticket.customer.timezone, timer.calendar.timezone, "UTC"):
        if not zone:
            continue
        try:
            return promise_phrase(
                due=timer.due_at, now=clock.now(), timezone=zone, language=language
            )
        except ValueError:
            continue
    return ""


def template_macro_words(actions: dict[str, Any]) -> list[str]:
    """What a template's macro does to a ticket, in words ("Sets the status to pending"), one
    line per field, naming the team and the assignee (two queries at most)."""
    words = []
    if "status" in actions:
        words.append(f"Sets the status to {actions['status']}")
    if "priority" in actions:
        words.append(f"Sets the priority to {actions['priority']}")
    if "team" in actions:
        team = Team.objects.filter(pk=actions["team"]).first() if _an_id(actions["team"]) else None
        words.append(f"Moves it to team {team.name}" if team else "Moves it to a team that is gone")
    if "assignee" in actions:
        value = actions["assignee"]
        agent = Agent.objects.filter(pk=value).first() if _an_id(value) else None
        words.append(
            f"Assigns it to {agent.name}" if agent else "Assigns it to an agent who is gone"
        )
    if "category" in actions:
        words.append(f"Sets the category to {actions['category']}")
    if actions.get("tags"):
        words.append(f"Adds the tags {', '.join(str(t) for t in actions['tags'])}")
    return words


def _an_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
