"""Who may see, use, change and review templates (canned responses), knowledge-base articles
and the desk's glossary.

Templates are `caredesk.replies`' models, articles `caredesk.knowledge`'s. The rules are written
over the Protocols below, so that the apps that bring them (replies, knowledge, the help
centre, the portal) call these rather than growing rules of their own. Each model's
`<things>_visible` Q sits here next to its rule.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import Q

from caredesk.access.policy import ALLOWED, HIDDEN, NOTHING, Action, Decision, as_agent, enforce
from caredesk.access.principals import Principal

PERSONAL, TEAM, SHARED = "personal", "team", "shared"


class TemplateLike(Protocol):
    @property
    def pk(self) -> Any: ...
    @property
    def scope(self) -> str: ...  # personal, team or shared
    @property
    def owner_id(self) -> int | None: ...
    @property
    def team_id(self) -> int | None: ...  # for team templates
    @property
    def approved(self) -> bool: ...  # its state is "approved"


APPROVED_STATE = "approved"


def templates_visible(principal: Principal, via: str = "") -> Q:
    """The query form of `template_decide`'s VIEW: an agent's own templates, their teams'
    templates, and approved shared ones; supervisors and admins see all."""
    agent = as_agent(principal)
    if agent is None:
        return NOTHING
    if agent.is_manager:
        return Q()
    return (
        Q(**{f"{via}owner": agent.id})
        | Q(**{f"{via}scope": TEAM, f"{via}team__in": agent.teams_for_query()})
        | Q(**{f"{via}scope": SHARED, f"{via}state": APPROVED_STATE})
    )


def templates_offered(principal: Principal, via: str = "") -> Q:
    """What the composer's picker offers: the templates the principal sees that are approved
    (personal and team templates start approved; shared ones once a supervisor approved them;
    retired ones never)."""
    return templates_visible(principal, via) & Q(**{f"{via}state": APPROVED_STATE})


def templates_reviewer(principal: Principal) -> bool:
    """Whether `principal` reviews shared templates (approves them): the workspace offers them
    the review queue. The same rule as `template_decide`'s REVIEW."""
    agent = as_agent(principal)
    return agent is not None and agent.is_manager


def template_decide(principal: Principal, template: TemplateLike, action: Action) -> Decision:
    """Personal templates: their owner's. Team templates: the team's members'. Shared ones:
    every agent's once approved; before that (a draft, in review) and once retired, only their
    owner's. Supervisors and admins see all of them, because they review them; only approved
    templates are offered. Their owner or a supervisor or admin changes or deletes one;
    customers and the public never see templates."""
    agent = as_agent(principal)
    if agent is None:
        return HIDDEN
    owner = template.owner_id == agent.id
    seen = (
        agent.is_manager
        or owner
        or (template.scope == SHARED and template.approved)
        or (template.scope == TEAM and template.team_id in agent.team_ids)
    )
    if not seen:
        return HIDDEN
    if action == Action.VIEW:
        return ALLOWED
    if action == Action.USE:
        if template.approved or agent.is_manager:
            return ALLOWED
        return Decision(
            visible=True,
            refusal="this template is not approved: "
            "it is waiting for a supervisor's review, or retired",
        )
    if action in (Action.CHANGE, Action.DELETE):
        if owner or agent.is_manager:
            return ALLOWED
        return Decision(
            visible=True,
            refusal=f"only its owner, a supervisor or an admin can {action} this template",
        )
    if action == Action.REVIEW:
        if agent.is_manager:
            return ALLOWED
        return Decision(visible=True, refusal="only supervisors and admins review templates")
    return Decision(visible=True, refusal=f"you may not {action} a template")


def template_permits(principal: Principal, template: TemplateLike, action: Action) -> bool:
    return template_decide(principal, template, action).allowed


def template_check(principal: Principal, template: TemplateLike, action: Action) -> None:
    enforce(
        template_decide(principal, template, action), missing=f"there is no template {template.pk}"
    )


class ArticleLike(Protocol):
    @property
    def pk(self) -> Any: ...
    @property
    def published(self) -> bool: ...
    @property
    def internal(self) -> bool: ...  # for agents only, never in the public help centre
    @property
    def section_owner_id(self) -> int | None: ...  # the owner of its section, who reviews it


PUBLISHED_STATE, PUBLIC_VISIBILITY = "published", "public"


def articles_visible(principal: Principal, via: str = "") -> Q:
    """The query form of `article_decide`'s VIEW: every article for agents; published public
    ones for everyone else (customers, the public reading the help centre)."""
    if as_agent(principal) is not None:
        return Q()
    return Q(**{f"{via}state": PUBLISHED_STATE, f"{via}visibility": PUBLIC_VISIBILITY})


def article_decide(principal: Principal, article: ArticleLike, action: Action) -> Decision:
    """Published public articles: everyone, customers and the public included. Internal ones
    and drafts: agents. Agents write and edit articles; supervisors, admins and the owner of
    the article's section review (publish) them; supervisors and admins delete them."""
    agent = as_agent(principal)
    if agent is None and not (article.published and not article.internal):
        return HIDDEN
    if action == Action.VIEW:
        return ALLOWED
    if agent is None:
        return Decision(visible=True, refusal=f"you may not {action} this article")
    if action == Action.CHANGE:
        return ALLOWED
    if action == Action.REVIEW:
        if agent.is_manager or article.section_owner_id == agent.id:
            return ALLOWED
        return Decision(
            visible=True,
            refusal="only supervisors, admins and the section's owner review articles",
        )
    if action == Action.DELETE:
        if agent.is_manager:
            return ALLOWED
        return Decision(
            visible=True, refusal="only supervisors and admins delete knowledge-base articles"
        )
    return Decision(visible=True, refusal=f"you may not {action} an article")


def article_permits(principal: Principal, article: ArticleLike, action: Action) -> bool:
    return article_decide(principal, article, action).allowed


def article_check(principal: Principal, article: ArticleLike, action: Action) -> None:
    enforce(article_decide(principal, article, action), missing=f"there is no article {article.pk}")


def glossary_decide(principal: Principal, action: Action) -> Decision:
    """The desk's glossary (its terms and the plain words for them, which the reply assistant
    flags): every agent reads it, since it checks their drafts; supervisors and admins add,
    change and delete terms. Customers and the public never see it."""
    agent = as_agent(principal)
    if agent is None:
        return HIDDEN
    if action == Action.VIEW:
        return ALLOWED
    if action in (Action.CHANGE, Action.DELETE):
        if agent.is_manager:
            return ALLOWED
        return Decision(visible=True, refusal="only supervisors and admins change the glossary")
    return Decision(visible=True, refusal=f"you may not {action} the glossary")


def glossary_permits(principal: Principal, action: Action) -> bool:
    return glossary_decide(principal, action).allowed


def glossary_check(principal: Principal, action: Action) -> None:
    enforce(glossary_decide(principal, action), missing="there is no glossary")
