"""Writing saved replies: creating one, its language variants, and the review of shared ones
(draft -> in review -> approved -> retired). Every change is checked against the access
policy for the agent making it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from caredesk.access import Action, principal_of, template_check, template_permits
from caredesk.access.principals import MANAGERS
from caredesk.accounts.models import Agent, Team
from caredesk.core import clock
from caredesk.core.errors import Forbidden, InvalidRequest
from caredesk.replies.macros import macro_problems
from caredesk.replies.models import ReplyTemplate, ReplyTemplateVariant, Scope, State
from caredesk.replies.review import action_for, next_states


def _text(value: str) -> str:
    """`value` without NUL characters, which PostgreSQL refuses in text (a form can send them)."""
    return value.replace("\x00", "")


@transaction.atomic
def template_create(
    *,
    actor: Agent,
    name: str,
    scope: str = Scope.PERSONAL,
    team: Team | None = None,
    variants: dict[str, str] | None = None,
    actions: dict[str, Any] | None = None,
    review_by: date | None = None,
) -> ReplyTemplate:
    """A new template owned by `actor`. Personal and team templates are usable at once (they
    start approved); a shared one starts as a draft for a supervisor to review. Only
    supervisors and admins make team templates for a team they are not in."""
    name = _text(name).strip()
    if not name:
        raise InvalidRequest("a template needs a name")
    if len(name) > 200:
        raise InvalidRequest("a template's name is at most 200 characters")
    if scope not in Scope.values:
        raise InvalidRequest(f"a template is {', '.join(Scope.values)}, not {scope!r}")
    if (scope == Scope.TEAM) != (team is not None):
        raise InvalidRequest("a team template needs its team, and only a team template has one")
    principal = principal_of(actor)
    if team is not None and not (
        actor.role in MANAGERS or team.members.filter(pk=actor.pk).exists()
    ):
        raise Forbidden(f"you are not in {team.name}")
    problems = macro_problems(actions or {})
    if problems:
        raise InvalidRequest("; ".join(problems))
    template = ReplyTemplate.objects.create(
        name=name,
        scope=scope,
        owner=actor,
        team=team,
        state=State.DRAFT if scope == Scope.SHARED else State.APPROVED,
        actions=actions or {},
        review_by=review_by,
    )
    template_check(principal, template, Action.CHANGE)
    for language, body in (variants or {}).items():
        template_variant_set(actor=actor, template=template, language=language, body=body)
    return template


def template_variant_set(
    *, actor: Agent, template: ReplyTemplate, language: str, body: str
) -> ReplyTemplateVariant:
    """Write (or rewrite) `template`'s text in `language`."""
    template_check(principal_of(actor), template, Action.CHANGE)
    language = _text(language).strip().replace("_", "-").lower()
    body = _text(body)
    if not language or len(language) > 10:
        raise InvalidRequest("a variant needs a language tag such as en, de or pt-br")
    if not body.strip():
        raise InvalidRequest("a variant needs a text")
    with transaction.atomic():
        before = ReplyTemplateVariant.objects.filter(template=template, language=language).first()
        if before is not None and before.body == body:
            return before
        variant, _ = ReplyTemplateVariant.objects.update_or_create(
            template=template, language=language, defaults={"body": body}
        )
        _texts_changed(actor, template)
    return variant


def _texts_changed(actor: Agent, template: ReplyTemplate) -> None:
    """Note that `template`'s texts changed. An approved shared template whose text is changed
    by someone who does not review templates goes back to review (and out of the picker until
    approved again), so that no text reaches every agent unchecked."""
    now = clock.now()
    ReplyTemplate.objects.filter(pk=template.pk).update(updated_at=now)
    if template_permits(principal_of(actor), template, Action.REVIEW):
        return
    back = ReplyTemplate.objects.filter(pk=template.pk, scope=Scope.SHARED, state=State.APPROVED)
    if back.update(state=State.IN_REVIEW):
        template.state = State.IN_REVIEW


def template_variant_remove(*, actor: Agent, template: ReplyTemplate, language: str) -> None:
    """Remove `template`'s text in `language`. An approved template keeps at least one text
    (it is offered, and a template without a text cannot be approved)."""
    template_check(principal_of(actor), template, Action.CHANGE)
    language = _text(language).strip().replace("_", "-").lower()
    with transaction.atomic():
        variants = ReplyTemplateVariant.objects.select_for_update().filter(template=template)
        found = {v.language: v for v in variants}
        if language not in found:
            raise InvalidRequest(f"this template has no {language[:10] or '?'} text")
        if len(found) == 1 and template.state == State.APPROVED:
            raise InvalidRequest(
                "an approved template keeps at least one text: add another language first, "
                "or retire the template"
            )
        found[language].delete()
        _texts_changed(actor, template)


@transaction.atomic
def template_update(
    *, actor: Agent, template: ReplyTemplate, name: str, review_by: date | None
) -> ReplyTemplate:
    """Rename `template` and set (or clear) its review-by date."""
    template = ReplyTemplate.objects.select_for_update().get(pk=template.pk)
    template_check(principal_of(actor), template, Action.CHANGE)
    name = _text(name).strip()
    if not name:
        raise InvalidRequest("a template needs a name")
    if len(name) > 200:
        raise InvalidRequest("a template's name is at most 200 characters")
    template.name = name
    template.review_by = review_by
    template.updated_at = clock.now()
    template.save(update_fields=["name", "review_by", "updated_at"])
    return template


@transaction.atomic
def template_move(*, actor: Agent, template: ReplyTemplate, state: str) -> ReplyTemplate:
    """Take a template to its next state. Approving a shared one is for supervisors and admins;
    its owner sends a shared draft for review, takes it back, or retires it. Personal and team
    templates are only retired and put back in use (`UNREVIEWED_NEXT_STATES`)."""
    template = ReplyTemplate.objects.select_for_update().get(pk=template.pk)
    principal = principal_of(actor)
    if state not in State.values:
        raise InvalidRequest(f"there is no template state {state!r}")
    if template.scope != Scope.SHARED and state == State.IN_REVIEW:
        raise InvalidRequest("only shared templates are reviewed")
    if state not in next_states(template):
        raise InvalidRequest(
            f"a template {template.get_state_display().lower()} cannot become {state}"
        )
    template_check(principal, template, action_for(template, state))
    if state == State.APPROVED and not template.variants.exists():
        raise InvalidRequest("a template without a text cannot be approved")
    template.state = state
    template.updated_at = clock.now()
    template.save(update_fields=["state", "updated_at"])
    return template
