"""A reply sent from a template: the template must be one offered to the agent, its macro is
worked out before anything is sent (a team or agent it names may be gone), then the reply, its
TemplateUse and the macro's changes go in one transaction, so a macro that cannot be applied
leaves no reply, no use and no change behind.

Precedence: the agent's own "status after send" wins over the macro's status; the composer
says so next to the macro (docs/templates.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db import transaction

from caredesk.access import Action, principal_of, templates_offered, ticket_check
from caredesk.accounts.models import Agent, Team
from caredesk.core.errors import Forbidden, InvalidRequest
from caredesk.history.kinds import By
from caredesk.replies.macros import macro_problems
from caredesk.replies.models import ReplyTemplate, TemplateUse
from caredesk.replies.selectors import template_get, template_variant_for
from caredesk.tickets.attachments import Upload
from caredesk.tickets.changes import ticket_changing
from caredesk.tickets.models import Message, Ticket
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.services import (
    assignee_apply,
    category_apply,
    priority_apply,
    status_apply,
    tag_names,
    tags_apply,
    team_apply,
)


class MacroRefused(InvalidRequest):
    """A template's macro cannot be applied to this ticket (a team or agent it names is gone,
    a status the ticket cannot take): the reply is not sent; without the macro it could be."""


@dataclass(frozen=True)
class MacroChanges:
    """A macro with its ids looked up: what it will change (None: leaves that alone)."""

    status: str | None = None
    priority: str | None = None
    team: Team | None = None
    assignee: Agent | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self != MacroChanges()


def template_offered_get(*, pk: int, agent: Agent) -> ReplyTemplate:
    """The template `agent` is sending from, if the picker offers it to them: NotFound when
    they may not see it, Forbidden when they see it but it is not approved (a draft, in
    review, retired; supervisors see those too, but do not send them)."""
    principal = principal_of(agent)
    template = template_get(pk=pk, principal=principal)
    if not ReplyTemplate.objects.filter(templates_offered(principal), pk=template.pk).exists():
        raise Forbidden(
            f"template {template.name!r} is not approved: it cannot be sent until a "
            "supervisor approves it"
        )
    return template


def macro_resolve(*, template: ReplyTemplate, ticket: Ticket, agent: Agent) -> MacroChanges:
    """What `template`'s macro would change on `ticket`, checked before the reply is sent:
    the agent may change the ticket, and the team and agent it names still exist (and the
    agent is active). Refusals say which and why (MacroRefused, Forbidden)."""
    actions = template.actions or {}
    if not actions:
        return MacroChanges()
    problems = macro_problems(actions)
    if problems:
        raise MacroRefused(f"the macro of template {template.name!r}: {'; '.join(problems)}")
    try:
        ticket_check(principal_of(agent), ticket, Action.CHANGE)
    except Forbidden as exc:
        raise Forbidden(
            f"the macro of template {template.name!r} changes the ticket: {exc}"
        ) from None
    team = None
    if "team" in actions:
        team = Team.objects.filter(pk=actions["team"]).first()
        if team is None:
            raise MacroRefused(
                f"the macro of template {template.name!r} moves the ticket to team "
                f"{actions['team']}, which no longer exists"
            )
    assignee = None
    if "assignee" in actions:
        assignee = Agent.objects.filter(pk=actions["assignee"], is_active=True).first()
        if assignee is None:
            raise MacroRefused(
                f"the macro of template {template.name!r} assigns the ticket to agent "
                f"{actions['assignee']}, who is no longer an active agent"
            )
    return MacroChanges(
        status=actions.get("status"),
        priority=actions.get("priority"),
        team=team,
        assignee=assignee,
        category=actions.get("category"),
        tags=tuple(sorted(tag_names(actions.get("tags", [])))),
    )


def macro_apply(
    *, ticket: Ticket, changes: MacroChanges, actor: Agent, template: ReplyTemplate
) -> None:
    """Make `changes` on `ticket` as `actor`, each recorded as the usual event marked as the
    macro's (By.MACRO). A change the ticket cannot take (a status the state table refuses)
    raises MacroRefused and, inside the reply's transaction, undoes the reply too."""
    try:
        with ticket_changing(ticket) as change:
            if changes.status is not None:
                status_apply(change, status=changes.status, actor=actor, by=By.MACRO)
            if changes.priority is not None:
                priority_apply(
                    change,
                    priority=changes.priority,
                    actor=actor,
                    reason=f"template {template.name}",
                    by=By.MACRO,
                )
            if changes.team is not None:
                team_apply(change, team_id=changes.team.pk, actor=actor, by=By.MACRO)
            if changes.assignee is not None:
                assignee_apply(change, agent=changes.assignee, actor=actor, by=By.MACRO)
            if changes.category is not None:
                category_apply(change, category=changes.category, actor=actor, by=By.MACRO)
            if changes.tags:
                have = set(ticket.tags.values_list("name", flat=True))
                tags_apply(change, have=have, add=changes.tags, actor=actor, by=By.MACRO)
    except InvalidRequest as exc:
        raise MacroRefused(f"the macro of template {template.name!r}: {exc}") from None


@transaction.atomic
def ticket_reply_from_template(
    *,
    ticket: Ticket,
    author: Agent,
    template_id: int,
    text: str,
    apply_macro: bool = True,
    cc: list[str] | None = None,
    status_after: str | None = None,
    attachments: Sequence[Upload] = (),
) -> Message:
    """`ticket_reply`, for a reply made from template `template_id`: recorded as a
    TemplateUse (in the language of the variant the ticket gets) and, unless the agent
    dropped it, followed by the template's macro. `status_after`, the agent's own choice,
    wins over the macro's status."""
    template = template_offered_get(pk=template_id, agent=author)
    changes = MacroChanges()
    if apply_macro:
        changes = macro_resolve(template=template, ticket=ticket, agent=author)
    if status_after:
        changes = replace(changes, status=None)
    variant = template_variant_for(
        template=template,
        customer_language=ticket.customer.language,
        mailbox_language=ticket.mailbox.language,
    )
    message = ticket_reply(
        ticket=ticket,
        author=author,
        text=text,
        cc=cc,
        status_after=status_after,
        attachments=attachments,
    )
    TemplateUse.objects.create(
        template=template,
        ticket=ticket,
        message=message,
        agent=author,
        language=variant.language if variant is not None else "",
    )
    if changes:
        macro_apply(ticket=ticket, changes=changes, actor=author, template=template)
    return message
